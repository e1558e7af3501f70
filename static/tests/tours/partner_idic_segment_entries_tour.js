import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// Act on an engagement quadrant from the Overview, then on the churn list
// from its header button: each opens the segment action on its segment.
registry.category("web_tour.tours").add("partner_idic_segment_entries", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationships app",
            trigger: ".o_app[data-menu-xmlid='partner_idic.partner_idic_menu_root']",
            run: "click",
        },
        {
            content: "Act on the Champions quadrant of the engagement section",
            trigger: ".o_idic_overview_engagement_champions .o_idic_overview_act",
            run: "click",
        },
        {
            content: "The segment action names the quadrant",
            trigger: ".modal .o_field_widget[name='source']:contains('Champions')",
        },
        {
            content: "Close it",
            trigger: ".modal .btn-close",
            run: "click",
        },
        {
            content: "Open the Customers menu",
            trigger: "button[data-menu-xmlid='partner_idic.partner_idic_menu_customers']",
            run: "click",
        },
        {
            content: "Open the churn list",
            trigger: "a[data-menu-xmlid='partner_idic.partner_idic_menu_churn']",
            run: "click",
        },
        {
            content: "The churn list shows its customers",
            trigger: ".o_list_view .o_data_row:contains('Tour Churning')",
        },
        {
            content: "Act on them from the list's header button",
            trigger: ".o_control_panel .o_idic_act_on_list",
            run: "click",
        },
        {
            content: "The segment action names the churn list",
            trigger: ".modal .o_field_widget[name='source']:contains('Churn Risk')",
        },
    ],
});
