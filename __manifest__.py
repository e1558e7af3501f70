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
    ],
    "external_dependencies": {"python": []},
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
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "data/idic_member_data.xml",
        "views/idic_member_views.xml",
        "views/partner_idic_menus.xml",
    ],
    "demo": [
        "demo/partner_idic_demo.xml",
        "demo/partner_idic_member_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "partner_idic/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
