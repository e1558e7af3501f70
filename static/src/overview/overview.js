/** Relationships > Overview: the relationship's figures and pictures, each
 * opening its records, for a period and a company the user chooses. */
import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { ControlPanel } from "@web/search/control_panel/control_panel";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { IdicOverviewSection } from "./overview_section";
import { IdicOverviewHealth } from "../health/overview_health";
import { IdicFirstSteps } from "./first_steps";

export class IdicOverview extends Component {
    static template = "partner_idic.Overview";
    static components = { ControlPanel, IdicOverviewSection, IdicOverviewHealth, IdicFirstSteps };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({
            data: { sections: [] },
            loaded: false,
            days: null,
            companyId: null,
        });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("idic.overview", "get_overview", [], {
            days: this.state.days,
            company_id: this.state.companyId,
        });
        this.state.days = this.state.data.window_days || null;
        this.state.companyId = this.state.data.company_id || null;
        this.state.loaded = true;
    }

    async setPeriod(ev) {
        this.state.days = parseInt(ev.target.value);
        await this.load();
    }

    async setCompany(ev) {
        this.state.companyId = parseInt(ev.target.value);
        await this.load();
    }

    async print() {
        const action = await this.orm.call("idic.overview", "action_print_overview", [], {
            days: this.state.days,
            company_id: this.state.companyId,
        });
        await this.actionService.doAction(action);
    }

    open(tile) {
        if (tile.action) {
            this.actionService.doAction(tile.action);
        }
    }
}

registry.category("actions").add("partner_idic.overview", IdicOverview);
