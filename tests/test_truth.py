# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What users see is true: lists opened from the Overview say what they are
narrowed to when empty, the interactions' analysis survives a date typed in
the year 9999, a colleague who answered an assessment finds the way back."""

from odoo import fields
from odoo.tools.safe_eval import safe_eval

from ..models import calendars
from .common import IdicCase


class TestTruth(IdicCase):
    def test_empty_lists_of_the_overview(self):
        """Every list the Overview opens, when nothing matches, names what it
        is narrowed to instead of inviting to create a first record."""
        data = self.env["idic.overview"].with_user(self.idic_manager).get_overview()
        actions = [
            tile["action"]
            for section in data["sections"]
            for tile in section["tiles"] + section["rows"]
            if tile.get("action")
        ]
        self.assertTrue(actions)
        invitations = ("Add your first", "Create ", "No points card yet")
        for action in actions:
            self.assertIn("Nothing here now", action["help"], action["name"])
            self.assertIn(action["name"].split("&")[0].strip(), action["help"])
            for invitation in invitations:
                self.assertNotIn(invitation, action["help"], action["name"])

    def test_interactions_analysis_far_future(self):
        """An interaction dated in 9999 (typed by mistake) does not break the
        analysis by month: the analysis leaves it out."""
        partner = self.env["res.partner"].create({"name": "Far Future Co"})
        interaction = self.env["idic.interaction"].create(
            {
                "partner_id": partner.id,
                "channel": "phone",
                "direction": "inbound",
                "subject": "Typed 9999",
                "date": fields.Datetime.now(),
            }
        )
        self.env.flush_all()
        # The date as a form without bounds would have let it in.
        self.env.cr.execute(
            "UPDATE idic_interaction SET date = '9999-12-31 10:00' WHERE id = %s",
            [interaction.id],
        )
        interaction.invalidate_recordset()
        Interaction = self.env["idic.interaction"].with_user(self.idic_user)
        with self.assertRaises(ValueError):
            Interaction.formatted_read_group([], ["date:month"], ["__count"])
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_idic.idic_interaction_action_analysis"
        )
        domain = safe_eval(action["domain"])
        for granularity in ("day", "week", "month", "quarter", "year"):
            groups = Interaction.formatted_read_group(
                domain, [f"date:{granularity}"], ["__count"]
            )
            self.assertTrue(groups, granularity)
        self.assertNotIn(interaction, Interaction.search(domain))

    def test_assessment_done_page(self):
        """The end of an assessment's survey leads back to the assessment and
        offers no second answer."""
        for user in self.idic_user | self.idic_manager:
            user.email = f"{user.login}@example.com"
        assessment = (
            self.env["idic.assessment"]
            .with_user(self.idic_manager)
            .create(
                {
                    "name": "Done page",
                    "framework": "idic",
                    "participant_ids": [(6, 0, self.idic_user.ids)],
                }
            )
        )
        assessment.action_invite()
        answer = (
            self.env["survey.user_input"]
            .sudo()
            .search([("idic_assessment_id", "=", assessment.id)])
        )
        answer._mark_done()
        html = str(
            self.env["ir.qweb"]._render(
                "survey.survey_fill_form_done",
                {"survey": answer.survey_id, "answer": answer},
            )
        )
        self.assertIn("o_idic_survey_back", html)
        self.assertIn(
            f"/odoo/action-partner_idic.idic_assessment_action/{assessment.id}", html
        )
        self.assertNotIn("/survey/retry/", html)
        # Another survey keeps its "Take Again".
        answer.idic_assessment_id = False
        html = str(
            self.env["ir.qweb"]._render(
                "survey.survey_fill_form_done",
                {"survey": answer.survey_id, "answer": answer},
            )
        )
        self.assertIn("/survey/retry/", html)
        self.assertNotIn("o_idic_survey_back", html)

    def test_statement_in_the_readers_calendar(self):
        """The points statement dates its lines in the calendar of the
        customer's language: Jalali in Persian, never a Gregorian year."""
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env.company.idic_points_rate = 1.0
        partner = self.env["res.partner"].create(
            {"name": "Calendar Co", "lang": "fa_IR"}
        )
        card = self.env["loyalty.card"]._idic_card(partner, self.env.company)
        card._idic_add_line(
            10, "earn", "New year", date=fields.Date.to_date("2026-01-01")
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("partner_idic.report_idic_points_statement", card.ids)[0]
            .decode()
        )
        self.assertIn(
            calendars.format_date(fields.Date.to_date("2026-01-01"), "fa_IR"), html
        )
        self.assertIn(
            calendars.format_date(fields.Date.to_date("2027-01-01"), "fa_IR"), html
        )  # the lot's expiry, a year later
        self.assertNotIn("01/01/2026", html)
        partner.lang = "en_US"
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("partner_idic.report_idic_points_statement", card.ids)[0]
            .decode()
        )
        self.assertIn("01/01/2026", html)
