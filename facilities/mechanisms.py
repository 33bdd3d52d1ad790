"""The mechanisms whose recommendations the registry holds (inspections.models.Finding.mechanism) and a
monitor's mechanism (StaffProfile.mechanism): one list for the models, the roles and the public site.

Sources: the prosecutor's supervision (Constitutional Law on the Prosecutor's Office, 2017); the national
preventive mechanism (OPCAT art. 17; Kazakhstan's NPM under the Commissioner for Human Rights); public
monitoring commissions (Penal Code of Execution, art. 21); the UN Subcommittee on Prevention of Torture
(OPCAT art. 11; report CAT/OP/KAZ/ROSP/1); the Committee against Torture's concluding observations
(Convention against Torture, art. 19); the Universal Periodic Review (Human Rights Council resolution 5/1).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Mechanism(models.TextChoices):
    """A body that makes recommendations. ``INTERNATIONAL`` lists the UN mechanisms (their scope is
    usually the nation)."""

    PROSECUTOR = "prosecutor", _("prosecutor's office")
    NPM = "npm", _("national preventive mechanism")
    PUBLIC_MONITORING = "public_monitoring", _("public monitoring commission")
    MINISTRY = "ministry", _("ministry")
    SPT = "spt", _("UN Subcommittee on Prevention of Torture")
    CAT = "cat", _("UN Committee against Torture")
    UPR = "upr", _("Universal Periodic Review")


INTERNATIONAL = (Mechanism.SPT, Mechanism.CAT, Mechanism.UPR)
# A monitor records their own mechanism's recommendations: every mechanism but the prosecutor's (whose
# recommendations are the findings of prosecutors' inspections).
MONITOR_MECHANISMS = tuple(m for m in Mechanism if m != Mechanism.PROSECUTOR)
