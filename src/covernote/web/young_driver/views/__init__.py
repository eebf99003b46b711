"""Young Driver pages: the customer app (mobile-first) and the back office (agents, brokers).

By capability: ``app`` (the customer app), ``backoffice`` (home, policy, installs,
devices), ``quotes`` (back-office quote and card payment), ``theft`` (YD-THEFT-1);
``_common`` holds what they share.
"""
