# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The texts the add-on writes into records it creates by code (the loyalty
program of a company, the assessments' area names, the demo's product and
interests) in every language: a record created while only English was
installed gets the other languages' words when they are installed, unless
somebody already wrote that language's own words."""

from odoo import api, models
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

PROGRAM_NAME = _lt("Relationship Points")
POINT_NAME = _lt("Points")
DEMO_MEMBERSHIP = _lt("Supporter Membership")
DEMO_INTERESTS = [
    _lt("Books"),
    _lt("Organic food"),
    _lt("Software"),
    _lt("Travel"),
    _lt("Design"),
    _lt("Sports"),
]


UNITS = {"h": _lt("hours"), "pt": _lt("points")}


class IdicTexts(models.AbstractModel):
    _name = "idic.texts"
    _description = "Texts of the Records the Relationships Create"

    @api.model
    def _idic_unit(self, unit):
        """The unit ``unit`` of a figure ("h": hours, "pt": points of a
        score) in the user's language."""
        return self.env._(UNITS[unit]) if unit in UNITS else unit

    @api.model
    def _idic_created_texts(self):
        """(records, field, lazy source) of the texts to give in every
        language; a hook."""
        Company = self.env["res.company"].sudo().with_context(active_test=False)
        companies = Company.search([])  # pylint: disable=no-search-all
        programs = companies.idic_loyalty_program_id
        Interest = self.env["idic.interest"].sudo().with_context(active_test=False)
        texts = [
            (programs, "name", PROGRAM_NAME),
            (programs, "portal_point_name", POINT_NAME),
            (
                self.env["product.template"]
                .sudo()
                .with_context(active_test=False)
                .search(
                    [("membership", "=", True), ("name", "=", DEMO_MEMBERSHIP._source)]
                ),
                "name",
                DEMO_MEMBERSHIP,
            ),
        ]
        for source in DEMO_INTERESTS:
            texts.append(
                (Interest.search([("name", "=", source._source)]), "name", source)
            )
        return texts

    @api.model
    def _idic_translate(self, langs):
        """Give the created records their words in ``langs`` where they still
        read as the English source."""
        langs = [lang for lang in langs if lang != "en_US"]
        if not langs:
            return
        for records, field, source in self._idic_created_texts():
            for record in records:
                english = record.with_context(lang="en_US")[field]
                if english != source._source:
                    continue  # renamed: the user's words
                translations = {}
                for lang in langs:
                    word = self.with_context(lang=lang).env._(source)
                    if record.with_context(lang=lang)[field] in (english, False, ""):
                        translations[lang] = word
                if translations:
                    record.update_field_translations(field, translations)
        # The rewards name themselves from their figures, in each language
        # (unless somebody wrote that language's description).
        rewards = self._idic_created_texts()[0][0].reward_ids
        for lang in langs:
            untranslated = rewards.filtered(
                lambda r, lg=lang: (
                    r.with_context(lang=lg).description
                    == r.with_context(lang="en_US").description
                )
            )
            untranslated.with_context(lang=lang)._compute_description()
        self._idic_translate_areas(langs)

    @api.model
    def _idic_translate_areas(self, langs):
        """The area names of closed assessments in ``langs`` where they have
        none, from the survey section they were copied from."""
        self.env.flush_all()
        for lang in langs:
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE idic_assessment_area area
                       SET name = area.name
                                  || jsonb_build_object(%(lang)s, page.title ->> %(lang)s)
                      FROM survey_question page
                     WHERE page.id = area.page_id
                       AND page.title ? %(lang)s
                       AND NOT area.name ? %(lang)s
                    """,
                    lang=lang,
                )
            )
        self.env["idic.assessment.area"].invalidate_model(["name"])
