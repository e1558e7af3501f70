/** Assessment form: the area scores as bars (with the previous assessment of
 * the same framework side by side) and as a radar, drawn with the web
 * client's own Chart.js. */
import { loadBundle } from "@web/core/assets";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { Component, onWillStart, onWillUpdateProps, useEffect, useRef, useState } from "@odoo/owl";

export class IdicAssessmentChart extends Component {
    static template = "partner_idic.AssessmentChart";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.barRef = useRef("bar");
        this.radarRef = useRef("radar");
        this.charts = [];
        this.state = useState({ data: null });
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load(this.props.record.resId);
        });
        onWillUpdateProps(async (next) => {
            if (next.record.resId !== this.props.record.resId) {
                await this.load(next.record.resId);
            }
        });
        useEffect(
            () => {
                this.render_charts();
                return () => this.destroy();
            },
            () => [this.state.data]
        );
    }

    async load(resId) {
        this.state.data = resId
            ? await this.orm.call("idic.assessment", "get_chart_data", [[resId]])
            : null;
    }

    destroy() {
        this.charts.forEach((chart) => chart.destroy());
        this.charts = [];
    }

    datasets() {
        const data = this.state.data;
        const sets = [
            {
                label: data.current_label,
                data: data.scores,
                backgroundColor: "rgba(113, 75, 103, 0.6)",
                borderColor: "rgb(113, 75, 103)",
            },
        ];
        if (data.previous) {
            sets.push({
                label: data.previous_label,
                data: data.previous,
                backgroundColor: "rgba(1, 126, 132, 0.4)",
                borderColor: "rgb(1, 126, 132)",
            });
        }
        return sets;
    }

    render_charts() {
        this.destroy();
        const data = this.state.data;
        if (!data || !data.labels.length || !this.barRef.el) {
            return;
        }
        const scale = { min: 0, max: 100 };
        this.charts.push(
            new Chart(this.barRef.el, {
                type: "bar",
                data: { labels: data.labels, datasets: this.datasets() },
                options: { maintainAspectRatio: false, scales: { y: scale } },
            })
        );
        this.charts.push(
            new Chart(this.radarRef.el, {
                type: "radar",
                data: { labels: data.labels, datasets: this.datasets() },
                options: { maintainAspectRatio: false, scales: { r: scale } },
            })
        );
    }
}

registry.category("view_widgets").add("idic_assessment_chart", {
    component: IdicAssessmentChart,
});
