import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const CUSTOMER = "Tour Map Co";

const openApp = () => [
    stepUtils.showAppsMenuItem(),
    {
        content: "Open the Relationships app",
        trigger: ".o_app[data-menu-xmlid='partner_idic.partner_idic_menu_root']",
        run: "click",
    },
];

// The Overview's RFM segment map: a click on a segment lands on its customers.
const mapSteps = (champions) => [
    {
        content: "The map names the segment with its customers",
        trigger: `.o_idic_overview_chart_rfm_map .o_idic_rfm_legend_champions:contains('${champions}')`,
    },
    {
        content: "The map's cells are coloured by segment and tell what to do on hover",
        trigger: ".o_idic_overview_chart_rfm_map .o_idic_rfm_cell.o_idic_rfm_segment_cant_lose[title]",
    },
    {
        content: "The cell of the best recency and frequency shows its own count",
        trigger: ".o_idic_overview_chart_rfm_map .o_idic_rfm_cell[data-r='5'][data-f='5'] .o_idic_rfm_cell_count",
    },
    {
        content: "Click the cell of the champions that holds the customer",
        trigger: ".o_idic_overview_chart_rfm_map .o_idic_rfm_cell.o_idic_rfm_segment_champions[data-r='5'][data-f='5']",
        run: "click",
    },
    {
        content: "The champions are listed",
        trigger: `.o_list_view .o_data_row:contains('${CUSTOMER}')`,
    },
];

registry.category("web_tour.tours").add("partner_idic_rfm_map", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        {
            content: "The funnel is drawn on the overview",
            trigger: ".o_idic_overview_chart_funnel canvas",
        },
        {
            content: "The health figure's sparkline is drawn with Chart.js",
            trigger: ".o_idic_health_centricity_revenue .o_idic_health_spark canvas",
        },
        {
            content: "Choose the last 90 days",
            trigger: ".o_idic_overview_period",
            run: "select 90",
        },
        {
            content: "The figures follow the period",
            trigger: ".o_idic_overview_tier_up:contains('90')",
        },
        ...mapSteps("Champions"),
        {
            content: "Open the Reporting menu",
            trigger: "button[data-menu-xmlid='partner_idic.partner_idic_menu_reporting']",
            run: "click",
        },
        {
            content: "Open the RFM Segment Map",
            trigger: "a[data-menu-xmlid='partner_idic.partner_idic_menu_reporting_rfm_map']",
            run: "click",
        },
        {
            content: "Filter the map on a tier",
            trigger: ".o_idic_rfm_map_action select.o_idic_rfm_tier",
            run: "selectByLabel Tour Map Gold",
        },
        {
            content: "The tier's champion is on the map",
            trigger: ".o_idic_rfm_map_action .o_idic_rfm_legend_champions:contains('1')",
        },
        {
            content: "Open the champions of the tier",
            trigger: ".o_idic_rfm_map_action .o_idic_rfm_legend_champions",
            run: "click",
        },
        {
            content: "The customer is listed",
            trigger: `.o_list_view .o_data_row:contains('${CUSTOMER}')`,
        },
    ],
});

registry.category("web_tour.tours").add("partner_idic_rfm_map_persian", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        {
            content: "The overview is laid out right to left",
            trigger: "body.o_rtl .o_idic_overview .o_idic_rfm_map",
        },
        {
            content: "The sparklines are drawn right to left too",
            trigger: "body.o_rtl .o_idic_health_centricity_revenue .o_idic_health_spark canvas",
        },
        {
            content: "The map speaks Persian",
            trigger: ".o_idic_overview_chart_rfm_map h4:contains('نقشه بخش‌های RFM')",
        },
        ...mapSteps("قهرمانان"),
    ],
});
