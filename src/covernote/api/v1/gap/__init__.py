"""Combined GAP over REST (SPEC §1): quote, bind, policies, cancel, claims.

Every id is resolved through a tenant-scoped selector (PLT-4): another firm's id
is 404. Money is sent and returned as strings (never floats, G1). Every response
about a customer carries their reasonable adjustments (PLT-2) and each stored
calculation its Decision with rule-cited steps.

By capability: ``schemas`` (bodies and answers), ``policies`` (quotes, policies,
cancellations, vehicle transfers), ``claims``, ``value`` (fair-value figures); one
``router`` tagged ``gap`` mounts them.
"""

from ninja import Router

from covernote.api.v1.gap import claims, policies, value

router = Router(tags=["gap"])
router.add_router("", policies.router)
router.add_router("", claims.router)
router.add_router("", value.router)
