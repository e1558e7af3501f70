/** The campaign form's picture: per measure (share who bought, revenue per
 * member) the target and the control group side by side, with the uplift and
 * its 95 % interval under each. */
import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { color, formatNumber, isRTL, useChart } from "../charts/chart_utils";

export class IdicCampaignGroupsChart extends Component {
    static template = "partner_idic.CampaignGroupsChart";
    static props = { chart: Object };

    setup() {
        this.canvas = useChart(() => this.config(), () => [this.props.chart]);
    }

    config() {
        const chart = this.props.chart;
        const rtl = isRTL();
        return {
            type: "bar",
            data: {
                labels: chart.groups,
                datasets: [
                    {
                        label: chart.label,
                        data: chart.values,
                        backgroundColor: chart.values.map((_v, i) => color(i)),
                    },
                ],
            },
            options: {
                maintainAspectRatio: false,
                animation: false,
                scales: {
                    x: { reverse: rtl },
                    y: {
                        position: rtl ? "right" : "left",
                        beginAtZero: true,
                        title: { display: true, text: chart.label },
                        ticks: { callback: (value) => formatNumber(value, 1) },
                    },
                },
                plugins: { legend: { display: false }, tooltip: { rtl } },
            },
        };
    }
}

export class IdicCampaignChartField extends Component {
    static template = "partner_idic.CampaignChartField";
    static components = { IdicCampaignGroupsChart };
    static props = { ...standardFieldProps };

    get data() {
        return this.props.record.data[this.props.name];
    }

    charts() {
        const data = this.data;
        return data.charts.map((chart, index) => ({ ...chart, groups: data.groups, index }));
    }
}

registry.category("fields").add("idic_campaign_chart", {
    component: IdicCampaignChartField,
    supportedTypes: ["json"],
});
