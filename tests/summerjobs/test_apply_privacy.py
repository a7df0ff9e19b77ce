"""What the application e-service leaves behind: no personnummer, name or e-mail address in a
log line or an address (redirects, links in the e-mails), whatever happens on the way; the
link's secret and the code kept as hashes only."""

import logging
import re
from datetime import date

import pytest
from django.core import mail

from accounts.tokens import token_digest
from participants import national_id as nid
from summerjobs.models import Application
from tests.support.summerjobs import (
    YEAR,
    code_in,
    form_data,
    link_in_receipt,
    send_form,
)

pytestmark = pytest.mark.django_db

SEVENTEEN = date(YEAR - 17, 1, 20)


def walk_the_whole_path(client, summer, data: dict) -> list[str]:
    """Errors, a wrong code, the right one, the link, a change and a withdrawal; returns every
    address the browser was sent to or given."""
    addresses = []
    bad = send_form(client, summer, **{**data, "national_id": data["national_id"][:-1]})
    assert bad.status_code == 200
    sent = send_form(client, summer, **data)
    addresses.append(sent["Location"])
    code = code_in(mail.outbox[-1])
    client.post(sent["Location"], {"code": f"{(int(code) + 1) % 1_000_000:06d}"})
    confirmed = client.post(sent["Location"], {"code": code})
    addresses.append(confirmed["Location"])
    link = link_in_receipt(mail.outbox[-1])
    addresses.append(link)
    client.get(link)
    application = Application.objects.get()
    change = {**data, "version": application.version, "school": "Annan skola"}
    saved = client.post(link, change)
    addresses.append(saved["Location"])
    client.get(f"/apply/a/{'x' * 43}/")
    withdrawn = client.post(f"{link}withdraw/", {"version": application.version + 1})
    addresses.append(withdrawn["Location"])
    addresses += re.findall(r"https?://\S+", " ".join(m.body for m in mail.outbox))
    return addresses


def test_no_personal_data_in_logs_or_addresses(summer, client, caplog):
    caplog.set_level(logging.DEBUG)
    data = form_data(summer, born=SEVENTEEN, serial=91)
    addresses = walk_the_whole_path(client, summer, data)
    number = nid.parse(data["national_id"], country="SE")
    personal = [
        data["national_id"],
        number.value,
        number.value[2:],
        data["first_name"],
        data["last_name"],
        data["email"],
        data["guardian_email"],
        data["guardian_name"],
    ]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records, "the walk logged nothing: the check would see nothing"
    for value in personal:
        assert value not in logged, value
        assert all(value not in address for address in addresses), value


def test_the_links_secret_is_kept_as_a_hash_only(summer, client):
    data = form_data(summer, born=SEVENTEEN, serial=92)
    sent = send_form(client, summer, **data)
    client.post(sent["Location"], {"code": code_in(mail.outbox[-1])})
    secret = link_in_receipt(mail.outbox[-1]).split("/")[-2]
    application = Application.objects.get()
    assert len(secret) >= 40
    assert application.edit_token_hash == token_digest(secret)
    assert secret not in str(Application.objects.values().get())
