import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// A database without customers: the Overview shows the first steps, each
// opening its place.
registry.category("web_tour.tours").add("partner_idic_first_run", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationships app",
            trigger: ".o_app[data-menu-xmlid='partner_idic.partner_idic_menu_root']",
            run: "click",
        },
        {
            content: "The first steps instead of a wall of zeros",
            trigger: ".o_idic_first_steps .o_idic_first_step_recompute",
        },
        {
            content: "No figure yet",
            trigger: ".o_idic_overview:not(:has(.o_idic_overview_tile))",
        },
        {
            content: "Set the value tiers",
            trigger: ".o_idic_first_step_tiers .o_idic_first_step_button",
            run: "click",
        },
        {
            content: "The value tiers open",
            trigger: ".o_list_view .o_view_nocontent, .o_list_view .o_data_row",
        },
    ],
});
