/** Reporting > Model Check: the data the purchase models had, their check
 * against the held-out weeks beside each customer's own past rate, the spread
 * of the predicted value and the churn risk, for a company. */
import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { ControlPanel } from "@web/search/control_panel/control_panel";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { IdicOverviewSection } from "../overview/overview_section";

export class IdicModelCheck extends Component {
    static template = "partner_idic.ModelCheck";
    static components = { ControlPanel, IdicOverviewSection };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({ data: null, companyId: null });
        onWillStart(() => this.load());
    }

    async load() {
        const data = await this.orm.call("idic.clv.fit", "get_model_check", [], {
            company_id: this.state.companyId,
        });
        this.state.companyId = data.company_id || null;
        this.state.data = data;
    }

    async setCompany(ev) {
        this.state.companyId = parseInt(ev.target.value);
        await this.load();
    }

    openHistory() {
        this.actionService.doAction(this.state.data.history);
    }

    open(tile) {
        if (tile.action) {
            this.actionService.doAction(tile.action);
        }
    }
}

registry.category("actions").add("partner_idic.model_check", IdicModelCheck);
