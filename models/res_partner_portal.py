# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The relationship from the customer's side (issue #27): what the portal
page "My Relationship" shows, and the preferences the customer edits there.

Portal users read none of the add-on's fields of partners (see
:mod:`.res_partner_access`): these methods run on the user's own customer,
read as superuser what the page shows, and check what the customer sends
before writing it.
"""

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from .idic_interaction import CHANNELS

# The contact frequencies the portal offers (days; 0: no preference).
PORTAL_FREQUENCIES = (0, 7, 14, 30, 90, 180, 365)
PREFERENCE_FIELDS = (
    "idic_preferred_channel",
    "idic_contact_frequency",
    "idic_interest_ids",
    "idic_do_not_contact",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # What the page shows
    # ------------------------------------------------------------------
    @api.model
    def _idic_portal_frequency_label(self, days):
        labels = {
            0: self.env._("No preference"),
            7: self.env._("Every week"),
            14: self.env._("Every two weeks"),
            30: self.env._("Every month"),
            90: self.env._("Every three months"),
            180: self.env._("Twice a year"),
            365: self.env._("Once a year"),
        }
        return labels.get(days) or self.env._("Every %(days)s days", days=days)

    @api.model
    def _idic_portal_frequencies(self, current=0):
        """[(days, label)] the portal offers, with ``current`` when it is
        another number of days (set by staff)."""
        days = sorted({*PORTAL_FREQUENCIES, current or 0})
        return [(day, self._idic_portal_frequency_label(day)) for day in days]

    @api.model
    def _idic_portal_channels(self):
        return [
            (key, label)
            for key, label in self._fields[
                "idic_preferred_channel"
            ]._description_selection(self.env)
        ]

    def _idic_portal_relationship_values(self, company):
        """What /my/relationship shows of this customer (its commercial
        partner) in ``company``: read as superuser, a fixed number of queries
        whatever its history."""
        self.ensure_one()
        customer = self.commercial_partner_id.sudo().with_company(company)
        # The interests first, in one read: the customer's are among them
        # (configuration: a list of tags the company keeps).
        interests = self.env["idic.interest"].sudo().search([])  # pylint: disable=no-search-all
        interests.fetch(["name", "active"])
        tier = customer.idic_value_tier_id
        tiers = (
            self.env["idic.value.tier"]
            .sudo()
            .search([("company_id", "=", company.id)], order="min_threshold, id")
        )
        card = self.env["loyalty.card"]._idic_card(customer, company, create=False)
        today = fields.Date.context_today(self)
        brought, referral_points = customer._idic_referral_stats()
        return {
            "customer": customer,
            "tier": tier,
            "tiers": tiers,
            "pricelist": tier.pricelist_id,
            "card": card,
            "points_expiring": card._idic_open_lots(today)[:3] if card else [],
            "channels": self._idic_portal_channels(),
            "frequencies": self._idic_portal_frequencies(
                customer.idic_contact_frequency
            ),
            "interests": interests,
            "preferences": {
                "channel": customer.idic_preferred_channel or "",
                "frequency": customer.idic_contact_frequency or 0,
                "interest_ids": set(customer.idic_interest_ids.ids),
                "do_not_contact": customer.idic_do_not_contact,
            },
            "referral_code": customer._idic_referral_code_get(),
            "referral_url": customer._idic_referral_url(),
            "referral_brought": brought,
            "referral_points": referral_points,
            "referred_by": customer.idic_referred_by_id,
            "referred_by_text": self.env._(
                "You were referred by %(referrer)s.",
                referrer=customer.idic_referred_by_id.commercial_partner_id.name,
            ),
            "may_claim_referral": customer._idic_referral_may_claim(company),
        }

    # ------------------------------------------------------------------
    # Preferences the customer sends
    # ------------------------------------------------------------------
    @api.model
    def _idic_portal_parse_preferences(self, form):
        """The preference values of the portal's form ``form`` (strings as
        posted), checked: a clear message for anything else than what the
        form offers."""
        channel = (form.get("channel") or "").strip()
        if channel and channel not in dict(CHANNELS):
            raise UserError(self.env._("Choose a contact channel from the list."))
        raw = (form.get("frequency") or "0").strip()
        low, high = self._idic_bounds()["idic_contact_frequency"]
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise UserError(
                self.env._(
                    "How often we contact you is a whole number of days between "
                    "%(low)s and %(high)s.",
                    low=low,
                    high=high,
                )
            )
        interest_ids = set()
        for value in form.get("interest_ids") or []:
            if not str(value).isdigit():
                raise UserError(self.env._("Choose your interests from the list."))
            interest_ids.add(int(value))
        interests = self.env["idic.interest"].sudo().browse(interest_ids).exists()
        if len(interests) != len(interest_ids) or not all(interests.mapped("active")):
            raise UserError(self.env._("Choose your interests from the list."))
        return {
            "idic_preferred_channel": channel or False,
            "idic_contact_frequency": int(raw),
            "idic_interest_ids": interests,
            "idic_do_not_contact": form.get("do_not_contact") in ("on", "1", "true"),
        }

    def _idic_portal_preference_changes(self, new):
        """[(label, before, after)] of the preferences ``new`` changes on
        this customer (as text, for the interaction)."""
        self.ensure_one()
        changes = []
        for name in PREFERENCE_FIELDS:
            field = self._fields[name]
            old_value, new_value = self[name], new[name]
            if field.type == "many2many":
                if set(old_value.ids) == set(new_value.ids):
                    continue
                before = ", ".join(old_value.mapped("name"))
                after = ", ".join(new_value.mapped("name"))
            elif (old_value or False) == (new_value or False):
                continue
            elif field.type == "selection":
                labels = dict(field._description_selection(self.env))
                before, after = labels.get(old_value, ""), labels.get(new_value, "")
            elif field.type == "boolean":
                yes, no = self.env._("Yes"), self.env._("No")
                before, after = (yes if old_value else no), (yes if new_value else no)
            else:
                before = self._idic_portal_frequency_label(old_value or 0)
                after = self._idic_portal_frequency_label(new_value or 0)
            changes.append((field._description_string(self.env), before, after))
        return changes

    def _idic_portal_set_preferences(self, form, user):
        """Store the preferences ``form`` that ``user`` (a portal user of this
        customer) sent, on the customer and on the user's own contact, and
        log the change as an inbound web-form interaction. Returns the
        changes (none: nothing written, nothing logged)."""
        self.ensure_one()
        customer = self.commercial_partner_id.sudo()
        new = self._idic_portal_parse_preferences(form)
        changes = customer._idic_portal_preference_changes(new)
        if not changes:
            return []
        vals = dict(
            new, idic_interest_ids=[fields.Command.set(new["idic_interest_ids"].ids)]
        )
        (customer | user.partner_id.sudo()).write(vals)
        summary = Markup("<ul>%s</ul>") % Markup().join(
            Markup("<li>%s: %s → %s</li>")
            % (escape(label), escape(before or "-"), escape(after or "-"))
            for label, before, after in changes
        )
        self.env["idic.interaction"].sudo().create(
            {
                "partner_id": user.partner_id.id,
                "channel": "web_form",
                "direction": "inbound",
                "subject": self.env._("Preferences changed in the customer portal"),
                "summary": summary,
                "user_id": customer.user_id.id or False,
                "company_id": (
                    user.partner_id.company_id or customer.company_id or user.company_id
                ).id,
            }
        )
        return changes
