import { registry } from "@web/core/registry";

// The customer portal (issue #27), as a portal customer uses it. The steps
// use the pages' classes, not their words, so that the Persian tours run the
// same steps; each Persian tour also checks a Persian label and the right to
// left layout.

/** Pay on the host's payment page with the demo provider, then follow the
 * status page back to the landing page. */
function payWithDemo() {
    return [
        {
            content: "Choose the demo provider",
            trigger: "input[name='o_payment_radio'][data-provider-code='demo']",
            run: "click",
        },
        {
            content: "Type the test card",
            trigger: "#customer_input",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "button[name='o_payment_submit_button']:not(:disabled)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The payment is processed",
            trigger: "div[name='o_payment_status']",
            expectUnloadPage: true,
        },
    ];
}

registry.category("web_tour.tours").add("partner_idic_portal_preferences", {
    url: "/my/relationship",
    steps: () => [
        {
            content: "The page is laid out right to left, in Persian",
            trigger: "#wrapwrap.o_rtl .o_idic_save_preferences:contains('ذخیرهٔ ترجیحات من')",
        },
        {
            content: "Prefer SMS",
            trigger: "select[name='channel']",
            run: "select sms",
        },
        {
            content: "Every three months",
            trigger: "select[name='frequency']",
            run: "select 90",
        },
        {
            content: "Interested in books",
            trigger: ".o_idic_portal_preferences .form-check:contains('Tour Books') input",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_idic_save_preferences",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Saved",
            trigger: ".o_idic_portal_notice:contains('ذخیره شد')",
        },
    ],
});

registry.category("web_tour.tours").add("partner_idic_portal_renew", {
    url: "/my/membership",
    steps: () => [
        {
            content: "The membership ends soon",
            trigger: ".o_idic_member_status:contains('Current Member')",
        },
        {
            content: "Renew",
            trigger: ".o_idic_member_renew_form .o_idic_member_renew",
            run: "click",
            expectUnloadPage: true,
        },
        ...payWithDemo(),
        {
            content: "Thanked, the membership continues",
            trigger: ".o_idic_portal_notice:contains('your payment is received')",
        },
    ],
});

registry.category("web_tour.tours").add("partner_idic_portal_give", {
    url: "/my/giving",
    steps: () => [
        {
            content: "The page is laid out right to left, in Persian",
            trigger: "#wrapwrap.o_rtl .o_idic_give:contains('اهدا و پرداخت آنلاین')",
        },
        {
            content: "Give 25",
            trigger: "input[name='amount']",
            run: "edit 25",
        },
        {
            content: "Give and pay",
            trigger: ".o_idic_give",
            run: "click",
            expectUnloadPage: true,
        },
        ...payWithDemo(),
        {
            content: "Thanked, with the receipt",
            trigger: ".o_idic_portal_notice .o_idic_thanks_receipt",
        },
    ],
});

// Started on a referral link (/r/<code>), which leads to the sign-up.
registry.category("web_tour.tours").add("partner_idic_portal_referral", {
    steps: () => [
        {
            content: "The invitation is applied",
            trigger: ".o_idic_signup_referral",
        },
        {
            content: "Name",
            trigger: ".oe_signup_form input[name='name']",
            run: "edit Tina Tourist",
        },
        {
            content: "E-mail",
            trigger: ".oe_signup_form input[name='login']",
            run: "edit tina.tourist@example.com",
        },
        {
            content: "Password",
            trigger: ".oe_signup_form input[name='password']",
            run: "edit tour-pass-1234",
        },
        {
            content: "Password again",
            trigger: ".oe_signup_form input[name='confirm_password']",
            run: "edit tour-pass-1234",
        },
        {
            content: "Sign up",
            trigger: ".oe_signup_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Referred by the friend whose link it followed",
            trigger: ".o_idic_portal_relationship:contains('You were referred by Tour Referrer Co')",
        },
    ],
});
