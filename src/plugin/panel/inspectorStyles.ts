/** The panel's stylesheet; it lives in the panel's shadow root, so it neither leaks into the game's page nor inherits from it. */
export const InspectorCss = /* css */ `
:host { all: initial; }
.layer { position: fixed; inset: 0; pointer-events: none; z-index: 2147483000; font: 12px/1.35 system-ui, "DejaVu Sans", sans-serif; color: #e6e8ee; }
.panel { position: absolute; top: 8px; right: 8px; width: min(380px, calc(100% - 16px)); max-height: calc(100% - 16px); overflow-y: auto; overflow-x: hidden; pointer-events: auto;
  background: rgba(22, 24, 31, 0.95); border: 1px solid #3a3f4d; border-radius: 6px; box-shadow: 0 4px 18px rgba(0,0,0,.45); }
header { display: flex; align-items: center; gap: 6px; padding: 6px 8px; background: #2a2f3c; position: sticky; top: 0; z-index: 1; cursor: move; }
header h1 { font-size: 13px; margin: 0; flex: 1; font-weight: 600; }
header button { cursor: pointer; }
.badge { background: #3d4558; border-radius: 3px; padding: 0 5px; font-size: 11px; }
.status { padding: 4px 8px; min-height: 15px; color: #b8bfce; }
.status.error { color: #ff8a80; }
details { border-top: 1px solid #333846; }
summary { padding: 5px 8px; cursor: pointer; font-weight: 600; user-select: none; }
.body { padding: 2px 8px 8px; }
.row { display: grid; grid-template-columns: 128px minmax(0, 1fr); align-items: center; gap: 6px; margin: 3px 0; }
.row label { color: #b8bfce; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.row > :last-child { min-width: 0; }
.row select { max-width: 100%; }
.origin { font-size: 10px; color: #8a93a6; margin-left: 4px; }
.origin.override { color: #ffd27f; }
select, input[type=number], input[type=text], button { font: inherit; color: #e6e8ee; background: #313646; border: 1px solid #4a5063; border-radius: 3px; padding: 1px 4px; }
button { cursor: pointer; }
button:hover { background: #3c4356; }
button[aria-pressed=true] { background: #4c6fff; border-color: #6d88ff; }
button:disabled, select:disabled, input:disabled { opacity: .45; cursor: default; }
input[type=range] { width: 100%; }
.vec { display: flex; gap: 3px; }
.vec input { width: 100%; min-width: 0; }
.buttons { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 4px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 1px 3px; }
th:first-child, td:first-child { text-align: left; }
th { color: #8a93a6; font-weight: normal; }
tr.current td { background: rgba(76, 111, 255, .25); }
td.bad { color: #ff8a80; }
.bars span[data-stage] { text-align: right; white-space: nowrap; }
.bars { display: grid; grid-template-columns: 130px minmax(0, 1fr) 64px; gap: 2px 6px; align-items: center; }
.bar { height: 8px; background: #4c6fff; border-radius: 2px; min-width: 1px; }
.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 2px 8px; margin-bottom: 6px; }
.figures b { font-weight: 600; color: #fff; }
canvas.histogram { width: 100%; height: 48px; background: #15171d; border-radius: 3px; display: block; margin: 3px 0 6px; }
ul.warnings { list-style: none; padding: 0; margin: 0; }
ul.warnings li { padding: 5px 6px; margin: 3px 0; border-radius: 3px; background: #4a2c2c; border-left: 3px solid #ff8a80; }
ul.warnings li.info { background: #2c3a4a; border-left-color: #7fb2ff; }
ul.warnings li.ok { background: #28402e; border-left-color: #7fdc8f; }
ul.warnings li button { margin-top: 4px; display: block; }
.drop { border: 1px dashed #5a6175; border-radius: 4px; padding: 6px; margin: 4px 0; color: #b8bfce; }
.drop.over { border-color: #7fb2ff; background: rgba(127, 178, 255, .1); }
.compare { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4px; margin-top: 6px; }
.compare figure { margin: 0; }
.compare canvas { width: 100%; display: block; background: #15171d; }
.compare figcaption { font-size: 10px; color: #8a93a6; text-align: center; }
.split-handle { position: absolute; width: 14px; margin-left: -7px; cursor: ew-resize; pointer-events: auto; display: none; touch-action: none; }
.split-handle::after { content: ""; position: absolute; left: 6px; top: 0; bottom: 0; width: 2px; background: rgba(255,255,255,.85); box-shadow: 0 0 3px rgba(0,0,0,.6); }
.split-handle span { position: absolute; top: 50%; left: -5px; width: 24px; height: 24px; margin-top: -12px; border-radius: 12px; background: rgba(255,255,255,.9); color: #222; font-size: 12px; line-height: 24px; text-align: center; }
.muted { color: #8a93a6; }
`;
