import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const DONOR = "Tour Donor";

// The donor list has a page of donors: the demo's may come first.
const find = () => [
    {
        content: "Search the donor by name",
        trigger: ".o_control_panel input.o_searchview_input",
        run: `edit ${DONOR}`,
    },
    {
        content: "Apply the search",
        trigger: ".o_control_panel input.o_searchview_input",
        run: "press Enter",
    },
    {
        content: "The search is applied",
        trigger: `.o_control_panel .o_searchview_facet:contains('${DONOR}')`,
    },
];

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

registry.category("web_tour.tours").add("partner_idic_donors", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationships app",
            trigger: ".o_app[data-menu-xmlid='partner_idic.partner_idic_menu_root']",
            run: "click",
        },
        ...menu("donors", "donors_all"),
        {
            content: "Recompute the donor figures now",
            trigger: ".o_control_panel button[name='action_idic_recompute_donors']",
            run: "click",
        },
        {
            content: "The recompute says how many partners it updated",
            trigger: ".o_notification:contains('Donor figures recomputed')",
        },
        ...find(),
        {
            content: "The donor is listed as a new donor with the gift",
            trigger: `.o_list_view .o_data_row:contains('${DONOR}'):contains('New'):contains('1,234.00')`,
        },
        ...menu("donors", "donors_by_year"),
        {
            content: "Top donors by year: the donor and the amount",
            trigger: `.o_pivot_view .o_pivot th:contains('${DONOR}')`,
        },
        {
            content: "The pivot adds the gift up",
            trigger: ".o_pivot_view .o_pivot td:contains('1,234.00')",
        },
        ...menu("donors", "donors_all"),
        ...find(),
        {
            content: "Open the donor",
            trigger: `.o_list_view .o_data_row:contains('${DONOR}') td.o_data_cell`,
            run: "click",
        },
        {
            content: "Open the Relationship tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Relationship')",
            run: "click",
        },
        {
            content: "The donor section shows the lifetime donations",
            trigger: ".o_field_widget[name='idic_donation_total']:contains('1,234.00')",
        },
        {
            content: "And the status",
            trigger: ".o_field_widget[name='idic_donor_status']:contains('New')",
        },
    ],
});
