# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demo story (issue #25): the customers' requests get answers as in real
life: most within hours, some a few days late, a few never."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# Answer channel of a request by its channel (e-mail otherwise).
ANSWER_CHANNELS = {"phone": "phone", "chat": "chat", "email": "email"}


class IdicDemo(models.AbstractModel):
    _inherit = "idic.demo"

    @api.model
    def _story_interactions(self, customers, rng, today):
        result = super()._story_interactions(customers, rng, today)
        self._story_answers([partner for partner, _profile in customers], rng)
        return result

    @api.model
    def _story_answers(self, partners, rng):
        Interaction = self.env["idic.interaction"]
        ids = [partner.id for partner in partners]
        interactions = Interaction.search([("commercial_partner_id", "in", ids)])
        last = {}
        for interaction in interactions.sorted("date"):
            last[interaction.commercial_partner_id.id] = interaction
        now = fields.Datetime.now()
        user = self.env.ref("partner_idic.user_idic_demo", raise_if_not_found=False)
        vals_list = []
        for request in interactions.filtered(lambda i: i.direction == "inbound"):
            draw = rng.random()
            if last[request.commercial_partner_id.id] == request and draw < 0.5:
                continue  # the last word was the customer's: never answered
            hours = rng.uniform(26, 96) if draw < 0.25 else rng.uniform(0.5, 8)
            date = min(request.date + timedelta(hours=hours), now)
            vals_list.append(
                {
                    "partner_id": request.partner_id.id,
                    "date": date,
                    "channel": ANSWER_CHANNELS.get(request.channel, "email"),
                    "direction": "outbound",
                    "subject": self.env._("Re: %(subject)s", subject=request.subject),
                    "outcome": "positive",
                    "user_id": (user or self.env.user).id,
                }
            )
        Interaction.create(vals_list)
        Interaction._idic_refresh_responses(
            SQL("request.commercial_partner_id IN %s", tuple(ids) or (0,))
        )

    @api.model
    def _story_actions(self):
        """After the value recompute: the next best actions, the cadence
        to-dos and the recommendations of the demo company, and a campaign on
        the best customers acted on six weeks ago, with its results."""
        company = self.env.company
        Run = self.env["idic.recompute.run"]
        for job in ("next_action", "cadence", "recommend"):
            Run._idic_execute(job, company, commit=False)
        admin = self.env.ref("base.user_admin")
        Wizard = self.env["idic.segment.action"].with_user(admin).with_company(company)
        segments = ["champions", "loyal", "potential_loyalist", "need_attention"]
        wizard = Wizard.create(
            {
                "name": self.env._("Spring thank-you"),
                "source": self.env._("Best customers"),
                "domain": repr(
                    [("idic_rfm_segment", "in", segments), ("parent_id", "=", False)]
                ),
                "control_share": 20.0,
                "add_to_list": True,
            }
        )
        campaign = self.env["utm.campaign"].browse(wizard.action_apply()["res_id"])
        acted = fields.Datetime.now() - timedelta(days=42)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE utm_campaign SET idic_action_date = %(acted)s
                    WHERE id = %(campaign)s;
                   UPDATE idic_campaign_member SET date = %(acted)s
                    WHERE campaign_id = %(campaign)s""",
                acted=acted,
                campaign=campaign.id,
            )
        )
        self.env.invalidate_all()
        campaign._idic_measure()
        return True
