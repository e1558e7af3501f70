import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const column = (stage) => `.o_kanban_group:has(.o_column_title:contains('${stage}'))`;
const CUSTOMER = "Tour Customer Co";

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
            content: "The app opens on the overview; open the pipeline from it",
            trigger: ".o_idic_overview .o_idic_overview_pipeline_total",
            run: "click",
        },
        {
            content: "The pipeline shows every IDIC stage, even empty ones",
            trigger: `${column("Customized")}`,
        },
        {
            content: "Move the customer to the next stage",
            trigger: `${column("Identified")} .o_kanban_record:contains('${CUSTOMER}')`,
            run: `drag_and_drop (${column("Differentiated")})`,
        },
        {
            content: "Open the customer in its new stage",
            trigger: `${column("Differentiated")} .o_kanban_record:contains('${CUSTOMER}')`,
            run: "click",
        },
        {
            content: "Open the Relationship tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Relationship')",
            run: "click",
        },
        {
            content: "The stage bar shows the new stage",
            trigger: ".o_field_widget[name='idic_stage_id'] button.o_arrow_button_current:contains('Differentiated')",
        },
        {
            content: "Log an interaction",
            trigger: "button[name='action_idic_log_interaction']",
            run: "click",
        },
        {
            content: "Say what it was about",
            trigger: ".modal .o_field_widget[name='subject'] input",
            run: "edit Asked for the catalogue",
        },
        {
            content: "Save it",
            trigger: ".modal footer button:contains('Log')",
            run: "click",
        },
        {
            content: "The interaction shows on the partner",
            trigger: ".o_field_widget[name='idic_recent_interaction_ids'] .o_data_row:contains('Asked for the catalogue')",
        },
    ],
});

const menu = (section, item) => [
    {
        content: `Open the ${section} menu`,
        trigger: `button[data-menu-xmlid='partner_idic.partner_idic_menu_${section}']`,
        run: "click",
    },
    {
        content: `Open ${item}`,
        trigger: `a[data-menu-xmlid='partner_idic.partner_idic_menu_${item}']`,
        run: "click",
    },
];

registry.category("web_tour.tours").add("partner_idic_value", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationships app",
            trigger: ".o_app[data-menu-xmlid='partner_idic.partner_idic_menu_root']",
            run: "click",
        },
        ...menu("config", "config_tiers"),
        {
            content: "The tiers of the company are listed",
            trigger: ".o_list_view .o_data_row:contains('Tour Gold')",
        },
        {
            content: "Recompute the value of every customer now",
            trigger: ".o_control_panel button[name='action_idic_recompute']",
            run: "click",
        },
        {
            content: "The recompute says how many partners it updated",
            trigger: ".o_notification:contains('Customer value recomputed')",
        },
        ...menu("reporting", "reporting_rfm_matrix"),
        {
            content: "The R x F matrix counts the customer in its cell",
            trigger: ".o_pivot_view .o_pivot table",
        },
        ...menu("reporting", "reporting_value"),
        {
            content: "Customer value by tier",
            trigger: ".o_pivot_view .o_pivot th:contains('Tour Gold')",
        },
        ...menu("config", "config_tiers"),
        {
            content: "Open the tier",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('Tour Gold')",
            run: "click",
        },
        {
            content: "Open its customers",
            trigger: ".o_form_view button[name='action_open_partners']",
            run: "click",
        },
        {
            content: "Open the customer",
            trigger: ".o_list_view .o_data_row:contains('Tour Value Co') td.o_data_cell",
            run: "click",
        },
        {
            content: "Open the Relationship tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Relationship')",
            run: "click",
        },
        {
            content: "The customer's tier and segment show",
            trigger: ".o_field_widget[name='idic_value_tier_id'] input:value('Tour Gold')",
        },
        {
            content: "Its segment too",
            trigger: ".o_field_widget[name='idic_rfm_segment']:contains('New')",
        },
    ],
});

registry.category("web_tour.tours").add("partner_idic_overview", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationships app",
            trigger: ".o_app[data-menu-xmlid='partner_idic.partner_idic_menu_root']",
            run: "click",
        },
        {
            content: "The overview counts the customers of each value tier",
            trigger: ".o_idic_overview_value .o_idic_overview_row:contains('Tour Overview Gold')",
            run: "click",
        },
        {
            content: "The tier's customers are listed",
            trigger: ".o_list_view .o_data_row:contains('Tour Overview Co')",
        },
        {
            content: "Back to the overview",
            trigger: ".o_breadcrumb a:contains('Overview')",
            run: "click",
        },
        {
            content: "Open the cards behind the points liability",
            trigger: ".o_idic_overview .o_idic_overview_points_liability",
            run: "click",
        },
        {
            content: "The card of the customer is listed",
            trigger: ".o_list_view .o_data_row:contains('Tour Overview Co')",
        },
    ],
});

// The same screens in Persian (fa_IR, right to left): the labels come from
// i18n/fa.po.
registry.category("web_tour.tours").add("partner_idic_persian", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationships app",
            trigger: ".o_app[data-menu-xmlid='partner_idic.partner_idic_menu_root']",
            run: "click",
        },
        {
            content: "The page is laid out right to left",
            trigger: "body.o_rtl .o_idic_overview",
        },
        {
            content: "The overview speaks Persian",
            trigger: ".o_idic_overview_value h3:contains('ارزش مشتری')",
        },
        {
            content: "The figures are labelled in Persian",
            trigger: ".o_idic_overview_pipeline_total:contains('مشتریان در پایپ‌لاین')",
        },
        {
            content: "Open the customers of the tier",
            trigger: ".o_idic_overview_value .o_idic_overview_row:contains('Tour Overview Gold')",
            run: "click",
        },
        {
            content: "Open the customer",
            trigger: ".o_list_view .o_data_row:contains('Tour Overview Co') td.o_data_cell",
            run: "click",
        },
        {
            content: "Open the Relationship tab, in Persian",
            trigger: ".o_form_view .o_notebook .nav-link:contains('ارتباط')",
            run: "click",
        },
        {
            content: "Open the loyalty statement from the points button",
            trigger: ".o_form_view button[name='action_idic_open_points']:contains('امتیاز')",
            run: "click",
        },
        {
            content: "The statement shows the running balance, in Persian",
            trigger: ".o_list_view th:contains('مانده')",
        },
        {
            content: "And the line of the points",
            trigger: ".o_list_view .o_data_row:contains('Tour points')",
        },
    ],
});
