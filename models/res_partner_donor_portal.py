# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Giving from the donor's side (issue #27): /my/giving lists the donor's
gifts by fiscal year with their receipts, the soft credits it received and
its recurring gifts (hooks the fundraising add-on fills), and **Give** makes a
one-off gift: a draft donation invoice the donor pays online through the
host's payment (``account_payment``), which posts it; a gift that is never
paid stays a draft and counts nowhere.
"""

import math

from odoo import Command, api, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # Hooks for the fundraising features (funds, soft credits, recurring
    # gifts): nothing here, the fundraising add-on fills them.
    # ------------------------------------------------------------------
    @api.model
    def _idic_portal_funds(self, company):
        """[(id, name)] of the funds a donor may give to online in
        ``company`` (none: the form asks for no fund)."""
        return []

    @api.model
    def _idic_portal_gift_line_vals(self, product, amount, fund_id):
        """The invoice line of an online gift of ``amount`` to the fund
        ``fund_id`` (an id of :meth:`_idic_portal_funds`, or None)."""
        return {"product_id": product.id, "quantity": 1.0, "price_unit": amount}

    def _idic_portal_soft_credits(self, company):
        """[{date, donor, role, amount}] of the soft credits this donor (a
        commercial partner) received in ``company``, newest first."""
        return []

    def _idic_portal_recurring_gifts(self, company):
        """The recurring gifts of this donor in ``company`` for the portal
        (the template ``partner_idic.portal_my_idic_giving_recurring`` shows
        them)."""
        return []

    # ------------------------------------------------------------------
    # What the page shows
    # ------------------------------------------------------------------
    def _idic_portal_giving_values(self, company):
        """The gifts of this donor (its commercial partner) in ``company`` by
        fiscal year, newest first: [{fiscal_year_end, label, total, gifts:
        [{move, date, amount, paid}]}]. Read as superuser in one search of
        the donation analysis (and one read of its invoices), net of credit
        notes; fully refunded gifts are left out."""
        self.ensure_one()
        donor = self.commercial_partner_id
        rows = (
            self.env["idic.donation.report"]
            .sudo()
            .search(
                [("partner_id", "=", donor.id), ("company_id", "=", company.id)],
                order="date desc, gift_move_id desc, id",
            )
        )
        currency = company.currency_id
        gifts, years = {}, {}
        for row in rows:
            gift = gifts.get(row.gift_move_id.id)
            if gift is None:
                gift = gifts[row.gift_move_id.id] = {
                    "move": row.gift_move_id,
                    "date": row.date,
                    "amount": 0.0,
                    "is_gift": False,
                    "fiscal_year_end": row.fiscal_year_end,
                    "label": row.fiscal_year,
                }
            gift["amount"] += row.amount
            gift["is_gift"] |= row.move_type == "out_invoice"
        for gift in gifts.values():
            if (
                not gift["is_gift"]
                or currency.compare_amounts(gift["amount"], 0.0) <= 0
            ):
                continue
            gift["paid"] = gift["move"].payment_state in ("paid", "in_payment")
            year = years.setdefault(
                gift["fiscal_year_end"],
                {
                    "fiscal_year_end": gift["fiscal_year_end"],
                    "label": gift["label"],
                    "total": 0.0,
                    "gifts": [],
                },
            )
            year["total"] += gift["amount"]
            year["gifts"].append(gift)
        return sorted(years.values(), key=lambda y: y["fiscal_year_end"], reverse=True)

    def _idic_portal_receipt(self, move):
        """``move`` when it is a paid gift of this donor, not refunded in
        full (its receipt may be shown), else an empty recordset."""
        self.ensure_one()
        move = move.sudo()
        if (
            move.move_type == "out_invoice"
            and move.state == "posted"
            and move.commercial_partner_id == self.commercial_partner_id
            and move.payment_state in ("paid", "in_payment")
            and move._idic_donation_lines()
            and move.company_id.currency_id.compare_amounts(
                move._idic_donation_net_amount(), 0.0
            )
            > 0
        ):
            return move
        return move.browse()

    # ------------------------------------------------------------------
    # Give
    # ------------------------------------------------------------------
    @api.model
    def _idic_portal_parse_amount(self, text, company):
        """The amount the donor typed, checked: a finite number within the
        company's bounds of an online gift, rounded to its currency."""
        currency = company.currency_id
        low, high = company._idic_portal_gift_bounds()
        raw = (text or "").strip().replace(",", ".") if isinstance(text, str) else ""
        try:
            amount = float(raw)
        except ValueError:
            amount = math.nan
        if not math.isfinite(amount) or not low <= amount <= high:
            raise UserError(
                self.env._(
                    "Give an amount between %(low)s and %(high)s.",
                    low=currency.format(low),
                    high=currency.format(high),
                )
            )
        return currency.round(amount)

    def _idic_portal_give(self, form, company):
        """A one-off gift of this partner (the portal user's own contact) in
        ``company`` from the portal's form ``form`` (amount, fund): the draft
        donation invoice to pay online."""
        self.ensure_one()
        product = company.idic_portal_donation_product_id
        if not product:
            raise UserError(self.env._("Online gifts are not open."))
        amount = self._idic_portal_parse_amount(form.get("amount"), company)
        funds = dict(self._idic_portal_funds(company))
        fund_id = None
        raw_fund = (form.get("fund_id") or "").strip()
        if raw_fund:
            if not raw_fund.isdigit() or int(raw_fund) not in funds:
                raise UserError(self.env._("Choose a fund from the list."))
            fund_id = int(raw_fund)
        line = self._idic_portal_gift_line_vals(product, amount, fund_id)
        return (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.id,
                    "company_id": company.id,
                    "invoice_origin": self.env._("Online gift"),
                    "invoice_line_ids": [Command.create(line)],
                }
            )
        )

    def _idic_portal_gift_paid(self, invoice_id, company):
        """The gift of this donor whose id the payment's landing page names,
        when it is paid (for the thank-you): looked for among the donor's
        own gifts."""
        self.ensure_one()
        if not str(invoice_id or "").isdigit():
            return self.env["account.move"]
        gifts = (
            self.env["idic.donation.report"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                    ("gift_move_id", "=", int(invoice_id)),
                ]
            )
            .gift_move_id
        )
        return self._idic_portal_receipt(gifts[:1]) if gifts else gifts
