/** Assessment form: the area scores as bars (with the previous assessment of
 * the same framework side by side) and as a radar, drawn with the web
 * client's own Chart.js from the form's area lines. */
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { localization } from "@web/core/l10n/localization";
import { registry } from "@web/core/registry";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { Component, onWillStart, useEffect, useRef } from "@odoo/owl";

export class IdicAssessmentChart extends Component {
    static template = "partner_idic.AssessmentChart";
    static props = { ...standardWidgetProps };

    setup() {
        this.barRef = useRef("bar");
        this.radarRef = useRef("radar");
        this.charts = [];
        onWillStart(() => loadBundle("web.chartjs_lib"));
        useEffect(() => {
            this.renderCharts();
            return () => this.destroyCharts();
        });
    }

    get areas() {
        return this.props.record.data.area_ids.records;
    }

    destroyCharts() {
        this.charts.forEach((chart) => chart.destroy());
        this.charts = [];
    }

    datasets() {
        const data = this.props.record.data;
        const sets = [
            {
                label: data.name,
                data: this.areas.map((area) => area.data.score),
                backgroundColor: "rgba(113, 75, 103, 0.6)",
                borderColor: "rgb(113, 75, 103)",
            },
        ];
        if (data.previous_id) {
            sets.push({
                label: data.previous_id.display_name,
                data: this.areas.map((area) => area.data.previous_score),
                backgroundColor: "rgba(1, 126, 132, 0.4)",
                borderColor: "rgb(1, 126, 132)",
            });
        }
        return sets;
    }

    renderCharts() {
        this.destroyCharts();
        if (!this.areas.length || !this.barRef.el) {
            return;
        }
        const labels = this.areas.map((area) => area.data.name);
        const scale = { min: 0, max: 100 };
        // Right to left in a right-to-left language, as the radar is.
        const rtl = localization.direction === "rtl";
        const plugins = { legend: { rtl }, tooltip: { rtl } };
        this.charts.push(
            new Chart(this.barRef.el, {
                type: "bar",
                data: { labels, datasets: this.datasets() },
                options: {
                    maintainAspectRatio: false,
                    plugins,
                    scales: {
                        x: { reverse: rtl },
                        y: {
                            ...scale,
                            position: rtl ? "right" : "left",
                            title: { display: true, text: _t("Score (%)") },
                        },
                    },
                },
            })
        );
        this.charts.push(
            new Chart(this.radarRef.el, {
                type: "radar",
                data: { labels, datasets: this.datasets() },
                options: { maintainAspectRatio: false, plugins, scales: { r: scale } },
            })
        );
    }
}

registry.category("view_widgets").add("idic_assessment_chart", {
    component: IdicAssessmentChart,
});
