import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const MEMBER = "Tour Member Mia";

registry.category("web_tour.tours").add("partner_idic_member", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationships app",
            trigger: ".o_app[data-menu-xmlid='partner_idic.partner_idic_menu_root']",
            run: "click",
        },
        {
            content: "Open the Members menu",
            trigger: ".o_menu_sections button:contains('Members')",
            run: "click",
        },
        {
            content: "Open the member directory",
            trigger: ".dropdown-item:contains('Member Directory')",
            run: "click",
        },
        {
            content: "Open the new member",
            trigger: `.o_list_view .o_data_row:contains('${MEMBER}'):contains('New Member') td[name='name']`,
            run: "click",
        },
        {
            content: "Open the Relationship tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Relationship')",
            run: "click",
        },
        {
            content: "Withdraw the member",
            trigger: "button[name='action_idic_member_withdraw']",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Moved to another city",
        },
        {
            content: "Confirm",
            trigger: ".modal footer button[name='action_withdraw']",
            run: "click",
        },
        {
            content: "The member is withdrawn",
            trigger: ".o_field_widget[name='idic_member_status']:contains('Withdrawn')",
        },
        {
            content: "The reason shows",
            trigger: ".o_field_widget[name='idic_member_withdraw_reason']:contains('Moved to another city')",
        },
    ],
});
