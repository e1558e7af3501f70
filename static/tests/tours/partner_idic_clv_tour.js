import { registry } from "@web/core/registry";

// Reporting > Model Check: what gives the figures and why, the holdout
// check and the spread of the predicted value drawn with Chart.js; the
// earlier checks one click away; the churn bands on the Overview.
registry.category("web_tour.tours").add("partner_idic_model_check", {
    url: "/odoo/action-partner_idic.idic_model_check_action",
    steps: () => [
        {
            content: "The figures come from the customers' own past rate, and it says why",
            trigger: ".o_idic_overview_clv_method:contains('Own past rate')[title*='worse than']",
        },
        {
            content: "The holdout check is drawn",
            trigger: ".o_idic_overview_chart_model_check canvas",
        },
        {
            content: "The spread of the predicted value is drawn, with its Gini",
            trigger: ".o_idic_overview_chart_lorenz h4:contains('Gini 0.42') ~ .o_idic_clv_chart canvas",
        },
        {
            content: "The churn bands are drawn",
            trigger: ".o_idic_overview_chart_churn_bands canvas",
        },
        {
            content: "Open the earlier checks",
            trigger: ".o_idic_model_check_history",
            run: "click",
        },
        {
            content: "The check is listed",
            trigger: ".o_list_view .o_data_row:contains('Own past rate')",
        },
    ],
});
