import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const CAMPAIGN = "Tour champions campaign";

// Act on a cell of the Overview's RFM map: the segment action makes a
// campaign with a control group, which opens; then Reporting > Campaigns.
registry.category("web_tour.tours").add("partner_idic_segment_action", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationships app",
            trigger: ".o_app[data-menu-xmlid='partner_idic.partner_idic_menu_root']",
            run: "click",
        },
        {
            content: "Act on the customers of the top-right cell of the RFM map",
            trigger: ".o_idic_overview_chart_rfm_map .o_idic_rfm_cell_act[data-r='5'][data-f='5']",
            run: "click",
        },
        {
            content: "The segment action names the cell",
            trigger: ".modal .o_field_widget[name='source']:contains('R 5, F 5')",
        },
        {
            content: "Name the campaign",
            trigger: ".modal .o_field_widget[name='name'] input",
            run: `edit ${CAMPAIGN}`,
        },
        {
            content: "Add the target group to a mailing list",
            trigger: ".modal .o_field_widget[name='add_to_list'] input",
            run: "click",
        },
        {
            content: "Act",
            trigger: ".modal .o_idic_segment_apply",
            run: "click",
        },
        {
            content: "The campaign opens, with its members",
            trigger: `.o_idic_campaign_form .oe_title:contains('${CAMPAIGN}')`,
        },
        {
            content: "Its target and control groups are drawn",
            trigger: ".o_idic_campaign_form .o_idic_campaign_chart canvas",
        },
        {
            content: "Measure it now",
            trigger: ".o_idic_campaign_form .o_idic_campaign_measure",
            run: "click",
        },
        {
            content: "Open the Reporting menu",
            trigger: "button[data-menu-xmlid='partner_idic.partner_idic_menu_reporting']",
            run: "click",
        },
        {
            content: "Open Campaigns",
            trigger: "a[data-menu-xmlid='partner_idic.partner_idic_menu_reporting_campaigns']",
            run: "click",
        },
        {
            content: "The campaign is listed with its results",
            trigger: `.o_list_view .o_data_row:contains('${CAMPAIGN}')`,
        },
    ],
});
