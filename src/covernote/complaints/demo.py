"""Demo data: Mrs Holloway's complaint about how her GAP cover was sold, open at stage 1
with its acknowledgement sent and its clocks running (COMP-1; idempotent)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from covernote.accounts.models import Role, User
from covernote.complaints.inputs import ComplaintRegistration
from covernote.complaints.models import Complaint
from covernote.complaints.services import complaint_register
from covernote.parties.models import Customer
from covernote.products.services import product_configs_load

DEMO_DESCRIPTION = (
    "Mrs Holloway says the GAP policy was sold without the exclusions being explained, "
    "and asks for her premium back."
)


def load_demo() -> str:
    customer = Customer.objects.filter(email="m.holloway@example.com").first()
    agent = User.objects.filter(role=Role.AGENT).order_by("pk").first()
    if customer is None or agent is None:
        return "Complaint demo skipped: demo customer or agent missing"
    found = Complaint.objects.filter(customer=customer, description=DEMO_DESCRIPTION).first()
    if found is not None:
        return f"Demo complaint {found.reference} already present"
    product_configs_load(actor=agent)
    received = timezone.now() - timedelta(days=3)
    complaint = complaint_register(
        actor=agent,
        customer=customer,
        now=received,
        data=ComplaintRegistration.parse(
            {
                "received_at": received,
                "channel": "phone",
                "procedure": "gap_sale",
                "product": "gap",
                "main_cause": "advising_selling",
                "regulated_activity": "insurance_distribution",
                "description": DEMO_DESCRIPTION,
            }
        ),
    )
    return f"Demo complaint {complaint.reference} open at stage 1"
