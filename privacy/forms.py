"""The privacy app's own forms (erasure reuses ``participants.forms.EraseForm``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Country
from participants import national_id as nid


class ApplicantLookupForm(forms.Form):
    """A personnummer or samordningsnummer to look up among a programme's summer-job
    applicants. Posted, never in an address; checked by the look-up itself
    (``summerjobs.subject.applicant_search``)."""

    national_id = forms.CharField(
        max_length=20,
        help_text=_(
            "YYYYMMDD-NNNN. It is looked up by a keyed hash and kept nowhere, not even in "
            "this page's address."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["national_id"].label = nid.national_id_label(Country.SWEDEN)
