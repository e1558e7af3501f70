# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The membership from the member's side (issue #27): /my/membership shows
the status, the periods and the card, and **Renew** invoices the next period
as the backend renewal does (``_idic_member_renew``). The invoice stays a
draft until the member pays it online: the host's payment (``account_payment``)
posts and reconciles it, and the period, dated from the day after the
membership ends, continues it without a gap. An abandoned payment leaves a
draft that renews nothing, and the next Renew pays that same invoice.
"""

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools.misc import format_date, formatLang

RENEWABLE_STATUSES = ("new", "current", "grace", "lapsed")


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _idic_portal_member(self):
        """The partner whose membership the portal user of this partner
        sees: its own when it has one, else its company's."""
        self.ensure_one()
        for partner in (self, self.commercial_partner_id):
            partner = partner.sudo()
            if (
                partner.member_line_ids
                or partner.free_member
                or partner.associate_member_id
                or partner.idic_member_status != "none"
            ):
                return partner
        return self.sudo()

    def _idic_portal_member_products(self):
        """The membership this member renews: its current level, or, when
        that is no longer sold, the memberships on sale in its company."""
        self.ensure_one()
        level = self.idic_member_level_id or self.member_line_ids[:1].membership_id
        if level.active and level.sale_ok:
            return level
        company = self.company_id or self.env.company
        return (
            self.env["product.product"]
            .sudo()
            .search(
                Domain("membership", "=", True)
                & Domain("sale_ok", "=", True)
                & Domain("company_id", "in", [company.id, False]),
                order="list_price, id",
            )
        )

    def _idic_portal_member_price(self, product):
        return product._price_compute("list_price").get(product.id, 0.0)

    def _idic_portal_member_open_invoice(self):
        """The renewal invoice of this member still to pay: a draft (made
        here or by staff), or posted and unpaid."""
        self.ensure_one()
        moves = self.member_line_ids.account_invoice_id.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and (
                    m.state == "draft"
                    or (
                        m.state == "posted"
                        and m.payment_state in ("not_paid", "partial")
                    )
                )
            )
        )
        return moves.sorted("id")[-1:] if moves else moves

    def _idic_portal_member_refusal(self):
        """Why this member cannot renew in the portal (None: it can)."""
        self.ensure_one()
        if self.associate_member_id:
            return self.env._(
                "Your membership follows that of %(associate)s: it renews with it.",
                associate=self.associate_member_id.name,
            )
        if self.free_member:
            return self.env._("You are a free member: there is nothing to renew.")
        if self.idic_member_withdrawn_date:
            return self.env._(
                "You withdrew from the membership: please contact us to join again."
            )
        if self.idic_member_status not in RENEWABLE_STATUSES:
            return self.env._("You are not a member yet.")
        if not self._idic_portal_member_products():
            return self.env._("No membership can be renewed online: please contact us.")
        return None

    def _idic_portal_member_values(self, company):
        """What /my/membership shows of this member (read as superuser; a
        fixed number of queries whatever its history)."""
        self.ensure_one()
        member = self.sudo()
        grace_days = (member.company_id or company).idic_member_grace_days
        end = member.idic_member_end
        lines = member.member_line_ids.sorted(
            lambda line: (line.date_from or fields.Date.today(), line.id), reverse=True
        )
        open_invoice = member._idic_portal_member_open_invoice()
        refusal = member._idic_portal_member_refusal()
        products = member._idic_portal_member_products() if not refusal else []
        periods = {}
        if products and not open_invoice:
            for product in products:
                kind, date_from, date_to = member._idic_member_next_period(product)
                periods[product.id] = {
                    "kind": kind,
                    "date_from": date_from,
                    "date_to": date_to,
                    "price": member._idic_portal_member_price(product),
                }
        due = (
            open_invoice.amount_residual
            if open_invoice.state == "posted"
            else open_invoice.amount_total
        )
        return {
            "member": member,
            "open_invoice_text": self.env._(
                "Your renewal of %(amount)s is waiting for its payment.",
                amount=formatLang(self.env, due, currency_obj=open_invoice.currency_id),
            )
            if open_invoice
            else "",
            "paid_text": self.env._(
                "Thank you: your payment is received and your membership runs "
                "until %(date)s.",
                date=format_date(self.env, member.idic_member_end),
            ),
            "status": member.idic_member_status,
            "status_label": dict(
                member._fields["idic_member_status"]._description_selection(self.env)
            ).get(member.idic_member_status),
            "grace_until": end + relativedelta(days=grace_days)
            if member.idic_member_status == "grace" and end
            else False,
            "lines": lines,
            "open_invoice": open_invoice,
            "refusal": refusal,
            "products": products,
            "periods": periods,
            "has_card": member.idic_member_status in ("new", "current", "grace"),
        }

    def _idic_portal_member_renew(self, product_id):
        """Renew this member with the membership product ``product_id`` (as
        sent by the portal's form); returns the invoice to pay: the open one
        when there is one, else a new draft renewal invoice."""
        self.ensure_one()
        member = self.sudo()
        open_invoice = member._idic_portal_member_open_invoice()
        if open_invoice:
            return open_invoice
        refusal = member._idic_portal_member_refusal()
        if refusal:
            raise UserError(refusal)
        products = member._idic_portal_member_products()
        product = products.filtered(lambda p: str(p.id) == str(product_id).strip())
        if not product:
            raise UserError(self.env._("Choose a membership from the list."))
        price = member._idic_portal_member_price(product)
        company = member.company_id or self.env.company
        return member.with_company(company)._idic_member_renew(product, price)

    def _idic_portal_member_paid(self, invoice_id):
        """The membership invoice of this member whose id the payment's
        landing page names, when it is paid (for the thank-you)."""
        self.ensure_one()
        moves = self.sudo().member_line_ids.account_invoice_id
        found = moves.filtered(
            lambda m: (
                str(m.id) == str(invoice_id or "")
                and m.payment_state in ("paid", "in_payment")
            )
        )
        return found[:1]
