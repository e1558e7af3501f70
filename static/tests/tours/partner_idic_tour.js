import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("partner_idic_relationships_app", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationships app",
            trigger: ".o_app[data-menu-xmlid='partner_idic.partner_idic_menu_root']",
            run: "click",
        },
        {
            content: "The customers of the app are listed",
            trigger: ".o_breadcrumb:contains('Customers')",
        },
        {
            content: "Open a partner",
            trigger: ".o_kanban_record:contains('Parsian Trading Co.')",
            run: "click",
        },
        {
            content: "The partner form is shown",
            trigger: ".o_form_view .o_field_widget[name='name']:contains('Parsian Trading Co.'), .o_form_view .o_field_widget[name='name'] input",
        },
        {
            content: "Back to the customers",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item a",
            run: "click",
        },
        {
            content: "The kanban view is back",
            trigger: ".o_kanban_view .o_kanban_record",
        },
    ],
});
