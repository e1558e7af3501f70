/** Tier moves of the period from tier x (rows) to tier y (columns): a
 * manager sees where customers come from and go to; clicking a cell opens the
 * moves. */
import { Component } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { formatNumber } from "./chart_utils";

export class IdicTierMoves extends Component {
    static template = "partner_idic.TierMoves";
    static props = { chart: Object };

    setup() {
        this.action = useService("action");
        this.formatNumber = formatNumber;
    }

    get max() {
        return Math.max(1, ...this.props.chart.cells.map((c) => c.value));
    }

    cellOf(fromTier, toTier) {
        return this.props.chart.cells.find((c) => c.from === fromTier.id && c.to === toTier.id);
    }

    style(cell) {
        if (!cell) {
            return "";
        }
        const alpha = 0.15 + (0.75 * cell.value) / this.max;
        const rgb = cell.up ? "26, 127, 55" : "217, 56, 58";
        return `background-color: rgba(${rgb}, ${alpha.toFixed(2)});`;
    }

    open(cell) {
        this.action.doAction(cell.action);
    }
}
