# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A donor's own recurring gifts in the customer portal (issue #27): the
donor pauses, resumes, changes the amount of or cancels them. The portal's
routes find the gift among the donor's own (``_idic_portal_gift``: its
commercial partner and the website's company), then these methods act as
superuser through the gift's own buttons, so that the recurring-gift job sees
the change as it sees a fundraiser's: a paused or cancelled gift makes no
period, a resumed one starts again at its next period (the periods paused
are not invoiced), a new amount is the amount of the next periods' gifts
(the gifts already made keep theirs). Each change is tracked on the gift
(authored by the donor) and logged as an inbound web-form interaction; a
cancellation gives the fundraiser a to-do to thank the donor."""

import math

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

#: The states of a recurring gift the donor still manages in the portal.
PORTAL_STATES = ("active", "paused")


class IdicRecurringGift(models.Model):
    _inherit = "idic.recurring.gift"

    # ------------------------------------------------------------------
    # Finding the donor's own gifts
    # ------------------------------------------------------------------
    @api.model
    def _idic_portal_domain(self, donor, company):
        return [
            ("commercial_partner_id", "=", donor.commercial_partner_id.id),
            ("company_id", "=", company.id),
        ]

    @api.model
    def _idic_portal_gifts(self, donor, company):
        """The running (active or paused) recurring gifts of ``donor`` (a
        partner; its commercial partner's) in ``company``, as superuser."""
        return self.sudo().search(
            [*self._idic_portal_domain(donor, company), ("state", "in", PORTAL_STATES)],
            order="date_start desc, id desc",
        )

    @api.model
    def _idic_portal_gift(self, donor, company, gift_id):
        """The recurring gift ``gift_id`` (an id from a URL) when it is one of
        ``donor``'s in ``company``, as superuser; else an empty recordset."""
        if not isinstance(gift_id, int) or gift_id <= 0:
            return self.browse()
        return self.sudo().search(
            [*self._idic_portal_domain(donor, company), ("id", "=", gift_id)],
            limit=1,
        )

    # ------------------------------------------------------------------
    # What the donor does
    # ------------------------------------------------------------------
    def _idic_portal_check_state(self, states, message):
        self.ensure_one()
        if self.state not in states:
            raise UserError(message)

    def _idic_portal_pause(self, user):
        gift = self.sudo()
        gift._idic_lock()
        gift._idic_portal_check_state(
            ("active",),
            self.env._("Only an active recurring gift can be paused."),
        )
        gift.action_pause()
        gift._idic_portal_log(user, self.env._("Recurring gift paused in the portal"))

    def _idic_portal_resume(self, user):
        gift = self.sudo()
        gift._idic_lock()
        gift._idic_portal_check_state(
            ("paused",),
            self.env._("Only a paused recurring gift can be resumed."),
        )
        gift.action_resume()
        gift._idic_portal_log(user, self.env._("Recurring gift resumed in the portal"))

    def _idic_portal_cancel(self, user):
        gift = self.sudo()
        gift._idic_lock()
        gift._idic_portal_check_state(
            PORTAL_STATES,
            self.env._("This recurring gift has already stopped."),
        )
        gift.action_cancel()
        gift._idic_portal_log(
            user, self.env._("Recurring gift cancelled in the portal")
        )
        gift.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=gift._idic_portal_fundraiser().id,
            summary=self.env._("Recurring gift cancelled by the donor: thank them"),
            note=self.env._(
                "%(donor)s cancelled the recurring gift %(gift)s in the portal.",
                donor=user.partner_id.display_name,
                gift=gift.name,
            ),
        )

    def _idic_portal_amount_bounds(self):
        """(smallest, largest) amount of each gift the donor may choose, in
        the gift's currency: those of an online gift (a hook)."""
        self.ensure_one()
        company = self.company_id
        low, high = company._idic_portal_gift_bounds()
        if self.currency_id != company.currency_id:
            today = fields.Date.context_today(self)
            low = company.currency_id._convert(low, self.currency_id, company, today)
            high = company.currency_id._convert(high, self.currency_id, company, today)
        return max(low, self.currency_id.rounding), high

    def _idic_portal_parse_amount(self, text):
        """The new amount the donor typed, checked: a finite number within
        :meth:`_idic_portal_amount_bounds`, rounded to the gift's currency."""
        self.ensure_one()
        currency = self.currency_id
        low, high = self._idic_portal_amount_bounds()
        raw = text.strip().replace(",", ".") if isinstance(text, str) else ""
        try:
            amount = float(raw)
        except ValueError:
            amount = math.nan
        if not math.isfinite(amount) or not low <= amount <= high:
            raise UserError(
                self.env._(
                    "The amount of each gift must be between %(low)s and %(high)s.",
                    low=currency.format(low),
                    high=currency.format(high),
                )
            )
        return currency.round(amount)

    def _idic_portal_set_amount(self, text, user):
        """The next periods' gifts are of the amount ``text``."""
        gift = self.sudo()
        gift._idic_lock()
        gift._idic_portal_check_state(
            PORTAL_STATES,
            self.env._("This recurring gift has stopped: its amount cannot change."),
        )
        amount = gift._idic_portal_parse_amount(text)
        before = gift.amount
        if gift.currency_id.compare_amounts(amount, before) == 0:
            return
        gift.write({"amount": amount})
        gift._idic_portal_log(
            user,
            self.env._("Recurring gift amount changed in the portal"),
            Markup("<p>%s → %s</p>")
            % (gift.currency_id.format(before), gift.currency_id.format(amount)),
        )

    # ------------------------------------------------------------------
    # Telling the organisation
    # ------------------------------------------------------------------
    def _idic_portal_fundraiser(self):
        """Who hears of the donor's changes: the donor's salesperson, else
        the gift's fundraiser (a hook)."""
        self.ensure_one()
        return (
            self.partner_id.user_id
            or self.commercial_partner_id.user_id
            or self.user_id
            or self.create_uid
        )

    def _idic_portal_log(self, user, subject, summary=None):
        """An inbound web-form interaction of the donor about this gift."""
        self.ensure_one()
        self.env["idic.interaction"].sudo().create(
            {
                "partner_id": user.partner_id.id,
                "channel": "web_form",
                "direction": "inbound",
                "subject": f"{subject}: {self.name}",
                "summary": summary or Markup("<p>%s</p>") % escape(self.name),
                "user_id": self._idic_portal_fundraiser().id,
                "company_id": self.company_id.id,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
