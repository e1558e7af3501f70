/** The RFM segment map: the R x F grid, each cell coloured by its segment
 * and showing its own customers (the segment named in its first cell); the
 * legend gives each segment's customers and share of the revenue. Hovering
 * tells what the segment is and what to do; clicking a cell opens exactly
 * the customers it counts, clicking a segment of the legend its customers. */
import { Component } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { formatNumber } from "./chart_utils";

export class IdicRfmMap extends Component {
    static template = "partner_idic.RfmMap";
    static props = { chart: Object };

    setup() {
        this.action = useService("action");
        this.formatNumber = formatNumber;
    }

    get segments() {
        return Object.fromEntries(this.props.chart.segments.map((s) => [s.key, s]));
    }

    /** The grid's rows, recency 5 on top, each cell knowing whether it is
     * the first cell of its segment (where the name is written). */
    get rows() {
        const named = new Set();
        const rows = [];
        for (const cell of this.props.chart.cells) {
            let row = rows.find((r) => r.r === cell.r);
            if (!row) {
                row = { r: cell.r, cells: [] };
                rows.push(row);
            }
            const first = !named.has(cell.segment);
            named.add(cell.segment);
            row.cells.push({ ...cell, first, segment: this.segments[cell.segment] });
        }
        return rows;
    }

    hint(segment) {
        return `${segment.label}: ${segment.definition}: ${segment.suggestion}`;
    }

    cellHint(cell) {
        return `${cell.hint}\n${this.hint(cell.segment)}`;
    }

    /** A cell or a segment of the legend: the customers it counts. */
    open(item) {
        this.action.doAction(item.action);
    }

    /** Act on the customers of a cell or a segment (the segment action). */
    act(item) {
        if (item.act_action) {
            this.action.doAction(item.act_action);
        }
    }
}
