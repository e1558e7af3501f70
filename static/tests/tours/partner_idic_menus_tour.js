/** Every menu of the app, opened as a user does, in the user's language:
 * the tour fails on any client error (the test browser fails on errors in
 * the console), on any HTTP status of 400 or more of the page's requests,
 * and, in a language other than English, on a text of the add-on left in
 * English on the screen. The test gives the menus to open and the English
 * texts the add-on translates (its PO file) in window.__idicWalk. */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const CHROME = [
    ".o_main_navbar",
    ".o_control_panel",
    ".o_list_renderer thead",
    ".o_form_view .o_form_label",
    ".o_form_view .o_horizontal_separator",
    ".o_form_view .nav-link",
    ".o_form_view button",
    ".o_statusbar_status",
    ".o_kanban_header",
    ".o_view_nocontent",
    ".o_setting_container .o_form_label",
    ".o_setting_container .text-muted",
    ".o_idic_overview",
    ".o_idic_rfm_map_action",
    ".o_graph_renderer .o_graph_legend",
    ".o_pivot thead",
];

const failures = [];

function watchRequests() {
    if (window.__idicWatching) {
        return;
    }
    window.__idicWatching = true;
    // Every resource and request of the page, images included.
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            if (entry.responseStatus >= 400) {
                failures.push(`HTTP ${entry.responseStatus}: ${entry.name}`);
            }
        }
    }).observe({ type: "resource", buffered: true });
}

function textsOnScreen() {
    const texts = new Set();
    for (const selector of CHROME) {
        for (const root of document.querySelectorAll(selector)) {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode;
                if (node.parentElement.closest(".o_data_cell, .o_field_widget:not(.o_form_label)")) {
                    continue;
                }
                const text = node.textContent.replace(/\s+/g, " ").trim();
                if (text) {
                    texts.add(text);
                }
            }
            for (const element of root.querySelectorAll("[title], [placeholder]")) {
                for (const attribute of ["title", "placeholder"]) {
                    const text = (element.getAttribute(attribute) || "").trim();
                    if (text) {
                        texts.add(text);
                    }
                }
            }
        }
    }
    return texts;
}

function check(menu) {
    const walk = window.__idicWalk;
    if (failures.length) {
        throw new Error(`${menu.name}: ${failures.join("; ")}`);
    }
    if (!walk.terms.length) {
        return;
    }
    const terms = new Set(walk.terms);
    const left = [...textsOnScreen()].filter((text) => terms.has(text.replace(/:$/, "")));
    if (left.length) {
        throw new Error(`${menu.name}: left in English: ${left.map((t) => `"${t}"`).join(", ")}`);
    }
}

function menuSteps(menu) {
    const open = [];
    if (menu.section) {
        open.push({
            content: `Open the menu ${menu.section_name}`,
            trigger: `.o_main_navbar button[data-menu-xmlid='${menu.section}']`,
            run: "click",
        });
    }
    open.push({
        content: `Open ${menu.name}`,
        trigger: `a[data-menu-xmlid='${menu.xmlid}']`,
        run() {
            for (const element of document.querySelectorAll(".o_action_manager > *")) {
                element.dataset.idicSeen = "1";
            }
            this.anchor.click();
        },
    });
    open.push({
        content: `${menu.name} is shown`,
        trigger: ".o_action_manager > :not([data-idic-seen])",
    });
    open.push({
        content: `${menu.name}: no error, nothing left in English`,
        trigger: "body:not(:has(.o_dialog .o_error_dialog))",
        run: () => check(menu),
    });
    return open;
}

registry.category("web_tour.tours").add("partner_idic_menus", {
    url: "/odoo",
    steps: () => [
        {
            content: "Watch the page's requests",
            trigger: "body",
            run: watchRequests,
        },
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationships app",
            trigger: ".o_app[data-menu-xmlid='partner_idic.partner_idic_menu_root']",
            run: "click",
        },
        {
            content: "The app is open",
            trigger: ".o_main_navbar .o_menu_sections",
        },
        ...(window.__idicWalk?.menus || []).flatMap(menuSteps),
    ],
});
