/** Reporting > RFM Segment Map: the map of a company, of all customers or of
 * one value tier. */
import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { ControlPanel } from "@web/search/control_panel/control_panel";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { IdicRfmMap } from "./rfm_map";

export class IdicRfmMapAction extends Component {
    static template = "partner_idic.RfmMapAction";
    static components = { ControlPanel, IdicRfmMap };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.state = useState({ data: null, companyId: null, tierId: null });
        onWillStart(() => this.load());
    }

    async load() {
        const data = await this.orm.call("idic.overview", "get_rfm_map", [], {
            company_id: this.state.companyId,
            tier_id: this.state.tierId,
        });
        this.state.companyId = data.company_id;
        this.state.tierId = data.tier_id || null;
        this.state.data = data;
    }

    async setCompany(ev) {
        this.state.companyId = parseInt(ev.target.value);
        this.state.tierId = null;
        await this.load();
    }

    async setTier(ev) {
        this.state.tierId = parseInt(ev.target.value) || null;
        await this.load();
    }
}

registry.category("actions").add("partner_idic.rfm_map", IdicRfmMapAction);
