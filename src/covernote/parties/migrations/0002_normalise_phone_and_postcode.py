"""Store every existing postcode upper case with one space, and every phone in E.164
(issue 12). A value that does not parse is left as it was, for a person to correct."""

from django.db import migrations


def forwards(apps, schema_editor):
    from covernote.domain.errors import DomainError
    from covernote.parties.contact import normalise_phone, normalise_postcode

    Customer = apps.get_model("parties", "Customer")
    for customer in Customer.objects.all().only("pk", "postcode", "phone"):
        changed = {}
        for field, normalise in (("postcode", normalise_postcode), ("phone", normalise_phone)):
            value = getattr(customer, field)
            try:
                new = normalise(value)
            except DomainError:
                continue
            if new != value:
                changed[field] = new
        if changed:
            Customer.objects.filter(pk=customer.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("parties", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
