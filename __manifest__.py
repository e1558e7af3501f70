# Copyright 2026 partner_idic contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Relationships (IDIC)",
    "version": "19.0.1.0.0",
    "summary": "Identify, differentiate, interact with and customize for every "
    "customer: IDIC stages, customer value, loyalty points, members and donors",
    "category": "Sales/CRM",
    "author": "partner_idic contributors",
    "website": "https://github.com/partner-idic/partner_idic",
    "license": "LGPL-3",
    "application": True,
    "depends": [
        "contacts",
        "mail",
        "account",
        "loyalty",
        "utm",
        "membership",
        "survey",
    ],
    "external_dependencies": {"python": ["numpy", "scipy"]},
    "data": [
        "security/partner_idic_groups.xml",
        "security/ir.model.access.csv",
        "security/partner_idic_security.xml",
        "data/idic_stage_data.xml",
        "data/ir_cron_data.xml",
        "data/idic_loyalty_data.xml",
        "views/idic_stage_views.xml",
        "views/idic_interest_views.xml",
        "views/idic_interaction_views.xml",
        "views/idic_value_tier_views.xml",
        "views/idic_loyalty_views.xml",
        "report/idic_points_statement.xml",
        "views/idic_portal_templates.xml",
        "views/res_partner_views.xml",
        "views/idic_overview_views.xml",
        "views/res_config_settings_views.xml",
        "data/idic_member_data.xml",
        "views/idic_member_views.xml",
        "views/partner_idic_menus.xml",
        "report/idic_donation_receipt.xml",
        "data/idic_donor_data.xml",
        "views/idic_donor_views.xml",
<<<<<<< HEAD
        "security/idic_assessment_security.xml",
        "data/idic_assessment_survey_idic.xml",
        "data/idic_assessment_survey_six_principles.xml",
        "data/idic_assessment_survey_qci.xml",
        "data/idic_assessment_survey_payne_frow.xml",
        "data/idic_assessment_survey_gartner.xml",
        "data/idic_assessment_survey_buttle.xml",
        "data/idic_health_data.xml",
        "views/idic_assessment_views.xml",
        "views/idic_health_views.xml",
=======
        "views/idic_overview_chart_views.xml",
        "report/idic_overview_report.xml",
>>>>>>> main
    ],
    "demo": [
        "demo/partner_idic_demo.xml",
        "demo/partner_idic_donor_demo.xml",
        "demo/partner_idic_member_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "partner_idic/static/src/overview/*",
<<<<<<< HEAD
            "partner_idic/static/src/assessment/*",
            "partner_idic/static/src/health/*",
=======
            "partner_idic/static/src/charts/*",
>>>>>>> main
        ],
        "web.assets_tests": [
            "partner_idic/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
