/** One section of the overview: its figures, its rows and its pictures
 * (found by type in the registry "partner_idic.overview_charts"). */
import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";

export class IdicOverviewSection extends Component {
    static template = "partner_idic.OverviewSection";
    static props = { section: Object, open: Function };

    chartComponent(chart) {
        return registry.category("partner_idic.overview_charts").get(chart.type, null);
    }

    open(tile) {
        this.props.open(tile);
    }
}
