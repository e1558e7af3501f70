import { registry } from "@web/core/registry";

// The customer portal (issue #27), as a portal customer uses it, in English
// and in Persian. Each flow is one list of steps, registered once per
// language (``<tour>_en``, ``<tour>_fa``): the steps find the pages' elements
// by their classes, and the words they check come from the language's table
// below. Each tour first checks that the page is in its language: a
// translated label, and the layout's direction (right to left in Persian).

const TEXTS = {
    en: {
        savePreferences: "Save my preferences",
        preferencesSaved: "Your preferences are saved",
        currentMember: "Current Member",
        renewed: "your payment is received",
        give: "Give and pay online",
        receipt: "Download your receipt",
        invited: "You were invited by a friend",
        referredBy: "You were referred by Tour Referrer Co",
    },
    fa: {
        savePreferences: "ذخیرهٔ ترجیحات من",
        preferencesSaved: "ترجیحات شما ذخیره شد",
        currentMember: "عضو فعلی",
        renewed: "پرداخت شما دریافت شد",
        give: "اهدا و پرداخت آنلاین",
        receipt: "رسید خود را دریافت کنید",
        invited: "دوستی شما را دعوت کرده است",
        referredBy: "شما توسط Tour Referrer Co",
    },
};

/** The element ``selector`` shows ``text``, on a page laid out in the
 * direction of ``lang`` (the portal layout marks right to left with o_rtl). */
function layout(lang) {
    return lang === "fa" ? "#wrapwrap.o_rtl" : "#wrapwrap:not(.o_rtl)";
}

function inLanguage(lang, selector, text) {
    return {
        content: `The page is in ${lang === "fa" ? "Persian, right to left" : "English, left to right"}`,
        trigger: `${layout(lang)} ${selector}:contains('${text}')`,
    };
}

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

function preferencesSteps(lang, t) {
    return [
        inLanguage(lang, ".o_idic_save_preferences", t.savePreferences),
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
            trigger: `.o_idic_portal_notice:contains('${t.preferencesSaved}')`,
        },
    ];
}

function renewSteps(lang, t) {
    return [
        inLanguage(lang, ".o_idic_member_status", t.currentMember),
        {
            content: "Renew",
            trigger: ".o_idic_member_renew_form .o_idic_member_renew",
            run: "click",
            expectUnloadPage: true,
        },
        ...payWithDemo(),
        {
            content: "Thanked, the membership continues",
            trigger: `${layout(lang)} .o_idic_portal_notice:contains('${t.renewed}')`,
        },
    ];
}

function giveSteps(lang, t) {
    return [
        inLanguage(lang, ".o_idic_give", t.give),
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
            trigger: `${layout(lang)} .o_idic_portal_notice .o_idic_thanks_receipt:contains('${t.receipt}')`,
        },
    ];
}

// Started on a referral link (/ref/<code>), which leads to the sign-up.
function referralSteps(lang, t) {
    return [
        inLanguage(lang, ".o_idic_signup_referral", t.invited),
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
            content: "Referred by the friend whose link it followed, in the same language",
            trigger: `${layout(lang)} .o_idic_portal_relationship:contains('${t.referredBy}')`,
        },
    ];
}

const FLOWS = {
    partner_idic_portal_preferences: { url: "/my/relationship", steps: preferencesSteps },
    partner_idic_portal_renew: { url: "/my/membership", steps: renewSteps },
    partner_idic_portal_give: { url: "/my/giving", steps: giveSteps },
    partner_idic_portal_referral: { url: undefined, steps: referralSteps },
};

for (const [name, flow] of Object.entries(FLOWS)) {
    for (const lang of Object.keys(TEXTS)) {
        registry.category("web_tour.tours").add(`${name}_${lang}`, {
            url: flow.url,
            steps: () => flow.steps(lang, TEXTS[lang]),
        });
    }
}
