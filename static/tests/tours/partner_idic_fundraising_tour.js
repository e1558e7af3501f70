import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const DONOR = "Tour Sustainer";

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

const pickDonor = () => [
    {
        content: "Type the donor",
        trigger: ".o_form_view .o_field_widget[name='partner_id'] input",
        run: `edit ${DONOR}`,
    },
    {
        content: "Choose the donor",
        trigger: `.o-autocomplete--dropdown-item a:contains('${DONOR}')`,
        run: "click",
    },
];

registry.category("web_tour.tours").add("partner_idic_fundraising", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationships app",
            trigger: ".o_app[data-menu-xmlid='partner_idic.partner_idic_menu_root']",
            run: "click",
        },
        // A monthly donor.
        ...menu("donors", "donors_recurring"),
        {
            content: "New recurring gift",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        ...pickDonor(),
        {
            content: "25 a month",
            trigger: ".o_form_view .o_field_widget[name='amount'] input",
            run: "edit 25",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "It is active, with the date of its next gift",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Active')",
        },
        {
            content: "Its reference is given",
            trigger: ".o_form_view .o_field_widget[name='name']:contains('RG')",
        },
        {
            content: "The donor asks for a pause",
            trigger: ".o_form_view button[name='action_pause']",
            run: "click",
        },
        {
            content: "Paused",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Paused')",
        },
        {
            content: "And resumes",
            trigger: ".o_form_view button[name='action_resume']",
            run: "click",
        },
        {
            content: "Active again",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Active')",
        },
        // A pledge in three installments.
        ...menu("donors", "donors_pledges"),
        {
            content: "New pledge",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        ...pickDonor(),
        {
            content: "600 promised",
            trigger: ".o_form_view .o_field_widget[name='amount'] input",
            run: "edit 600",
        },
        {
            content: "In three installments",
            trigger: ".o_form_view .o_field_widget[name='installment_count'] input",
            run: "edit 3",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Schedule the installments",
            trigger: ".o_form_view button[name='action_schedule']",
            run: "click",
        },
        {
            content: "Three installments of 200",
            trigger: ".o_form_view .o_field_widget[name='installment_ids'] .o_data_row:nth-child(3):contains('200.00')",
        },
        {
            content: "Confirm the pledge",
            trigger: ".o_form_view button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The pledge is open, all of it outstanding",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Open')",
        },
        // What the appeals raised.
        ...menu("reporting", "reporting_appeals"),
        {
            content: "The appeal raised the gift",
            trigger: ".o_list_view .o_data_row:contains('Tour Appeal'):contains('1,000.00')",
        },
        // The donors by predicted value.
        ...menu("donors", "donors_value"),
        {
            content: "The donors by predicted value, with the method of each",
            trigger: ".o_list_view .o_data_row:contains('Tour Appeal Donor')",
        },
    ],
});
