/**
 * The "Diagnosis" section: the reference pair, the ranking of candidate contracts on it with one-click apply, and the
 * compare-with-training view.
 */
import { resolvePreprocessConfig, type PreprocessConfig } from "../contract/preprocessConfig.js";
import type { DiagnosisCandidate } from "../diagnose/diagnoseContract.js";
import { StylizationError } from "../errors.js";
import type { CompareView } from "./compareView.js";
import { el, row, section } from "./dom.js";
import { describeContract, formatPsnr } from "./format.js";
import type { PanelContext } from "./panelContext.js";
import type { ReferenceInput } from "./referenceInput.js";

export class DiagnosisSection {
    public readonly element: HTMLElement;
    private readonly _body = el("div", { "data-field": "diagnosis" });

    /** `onApplied` runs after a candidate was applied, before the compare view refreshes. */
    public constructor(
        private readonly _ctx: PanelContext,
        references: ReferenceInput,
        private readonly _compare: CompareView,
        private readonly _onApplied: () => void
    ) {
        const ctx = _ctx;
        const run = el("button", { "data-control": "diagnose", text: "Run diagnosis" });
        run.addEventListener("click", () => ctx.attempt(() => this.run()));
        const compare = el("button", { "data-control": "compare", text: "Compare with training" });
        compare.addEventListener("click", () => ctx.attempt(() => this._compare.compare()));
        ctx.syncs.push(() => {
            const ready = !!ctx.state.referencePair && !!ctx.stylization.model;
            run.disabled = !ready;
            compare.disabled = !ready;
        });
        this.element = section(
            "Diagnosis",
            "diagnosis",
            true,
            row("reference pair", references.select),
            references.dropZone,
            el("div", { class: "buttons" }, run, compare),
            this._body,
            this._compare.element
        );
    }

    /** Forgets the ranking (the pair or the model changed). */
    public clear(): void {
        this._ctx.state.diagnosis = undefined;
        this._body.replaceChildren();
    }

    /** Ranks every candidate contract on the reference pair and shows the table. */
    public async run(): Promise<DiagnosisCandidate[]> {
        const { state, stylization } = this._ctx;
        const pair = state.referencePair;
        if (!pair) {
            throw new StylizationError("diagnosis needs a reference pair: choose the model's, or drop an input frame and its expected output");
        }
        const progress = el("div", { class: "muted", "data-field": "diagnosisProgress", text: "running…" });
        this._body.replaceChildren(progress);
        const ranking = await stylization.diagnose(pair.input, pair.expected, {
            onProgress: (done, total) => (progress.textContent = `${done}/${total} network runs`),
        });
        state.diagnosis = ranking;
        this.render();
        this._ctx.setStatus(`diagnosis: best ${describeContract(ranking[0].contract)} at ${formatPsnr(ranking[0].psnr)}`);
        return ranking;
    }

    /** Shows the ranking, the contract in use marked (so after a contract change too). */
    public render(): void {
        const ctx = this._ctx;
        const ranking = ctx.state.diagnosis;
        if (!ranking) {
            return;
        }
        const current = ctx.stylization.preprocess;
        const isCurrent = (c: DiagnosisCandidate) =>
            (Object.keys(c.contract) as Array<keyof DiagnosisCandidate["contract"]>).every((k) => c.contract[k] === current[k]);
        const head = el("tr", {}, ...["#", "input", "output", "order", "colour", "flip", "PSNR", ""].map((h) => el("th", { text: h })));
        const rows = ranking.slice(0, 10).map((c, i) => {
            const apply = el("button", { "data-control": "apply-candidate", "data-rank": i, text: isCurrent(c) ? "in use" : "apply" });
            apply.disabled = isCurrent(c);
            apply.addEventListener("click", () => ctx.attempt(() => this.applyCandidate(i)));
            return el(
                "tr",
                { class: isCurrent(c) ? "current" : undefined, "data-rank": i },
                el("td", { text: String(i + 1) }),
                el("td", { text: c.contract.inputRange }),
                el("td", { text: c.contract.outputRange }),
                el("td", { text: c.contract.channelOrder }),
                el("td", { text: c.contract.colorSpace }),
                el("td", { text: c.contract.flipY ? "yes" : "no" }),
                el("td", { "data-psnr": "", text: formatPsnr(c.psnr) }),
                el("td", {}, apply)
            );
        });
        const currentRank = ranking.findIndex(isCurrent);
        const applyBest = el("button", { "data-control": "apply-best", text: `Apply the best (${formatPsnr(ranking[0].psnr)})` });
        applyBest.disabled = currentRank === 0;
        applyBest.addEventListener("click", () => ctx.attempt(() => this.applyCandidate(0)));
        const summary = el(
            "div",
            { class: "muted", "data-field": "diagnosisSummary" },
            `${ranking.length} candidates; the contract in use ranks ${currentRank >= 0 ? `#${currentRank + 1} (${formatPsnr(ranking[currentRank].psnr)})` : "outside the candidates (custom mean/std)"}.`
        );
        this._body.replaceChildren(summary, el("div", { class: "buttons" }, applyBest), el("table", {}, head, ...rows));
    }

    /** Applies the candidate at `rank` (0 = best) as preprocessing overrides, then refreshes the compare view. */
    public async applyCandidate(rank: number): Promise<void> {
        const ctx = this._ctx;
        const candidate = ctx.state.diagnosis?.[rank];
        if (!candidate) {
            throw new StylizationError(`no diagnosis candidate #${rank + 1}: run the diagnosis first`);
        }
        // Overrides only where the candidate differs from what the model declares, so the panel keeps showing which
        // fields are the model's own.
        const st = ctx.stylization;
        const declared = resolvePreprocessConfig(st.model?.declared);
        const overrides: Partial<PreprocessConfig> = { ...st.preprocessOverrides, ...candidate.contract };
        for (const key of Object.keys(candidate.contract) as Array<keyof DiagnosisCandidate["contract"]>) {
            if (declared[key] === candidate.contract[key]) {
                delete overrides[key];
            }
        }
        st.resetPreprocess();
        st.preprocess = overrides;
        ctx.save();
        this.render();
        ctx.setStatus(`applied ${describeContract(candidate.contract)}`);
        this._onApplied();
        await this._compare.compare();
    }
}
