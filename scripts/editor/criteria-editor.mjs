// The criteria editor's YAML editor: CodeMirror 6 over the form's <textarea data-yaml-editor>.
// Line numbers, YAML highlighting, search, and every problem the server named marked on its line
// (data-problems: [{"line": 51, "message": "..."}]). The textarea stays the form field: it follows
// every change, so the form posts what is shown. With data-schema (the id of a <script> holding the
// file's JSON Schema), keys and values are completed (Ctrl+Space) and explained on hover. Built by scripts/build_editor.sh (esbuild).
import { EditorView, basicSetup } from "codemirror";
import { EditorState } from "@codemirror/state";
import { yaml, yamlLanguage } from "@codemirror/lang-yaml";
import { schemaCompletion, schemaHover } from "./schema-help.mjs";
import { lintGutter, setDiagnostics } from "@codemirror/lint";

const PHRASES = {
  "Find": "查找", "Replace": "替换", "next": "下一个", "previous": "上一个", "all": "全部",
  "match case": "区分大小写", "regexp": "正则表达式", "by word": "全词匹配", "replace": "替换",
  "replace all": "全部替换", "close": "关闭", "Go to line": "转到行", "go": "转到",
  "Folded lines": "已折叠的行", "Unfolded lines": "已展开的行", "Fold line": "折叠", "Unfold line": "展开",
  "Diagnostics": "问题", "No diagnostics": "没有问题", "Control character": "控制字符",
  "Selection deleted": "已删除选中内容", "current match": "当前匹配", "on line": "第几行",
  "Completions": "补全",
};

export function mount(textarea) {
  const problems = JSON.parse(textarea.dataset.problems || "[]");
  const holder = textarea.dataset.schema && document.getElementById(textarea.dataset.schema);
  const schema = holder ? JSON.parse(holder.textContent) : null;
  const help = schema ? [yamlLanguage.data.of({ autocomplete: schemaCompletion(schema) }), schemaHover(schema)] : [];
  const view = new EditorView({
    doc: textarea.value,
    extensions: [
      basicSetup,
      yaml(),
      lintGutter(),
      EditorView.lineWrapping,
      EditorState.phrases.of(PHRASES),
      help,
      EditorView.contentAttributes.of({ "aria-label": textarea.getAttribute("aria-label") || "文件内容" }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) textarea.value = update.state.doc.toString();
      }),
    ],
  });
  textarea.hidden = true;
  textarea.parentNode.insertBefore(view.dom, textarea);
  view.dom.classList.add("yaml-editor");
  const doc = view.state.doc;
  const marks = problems
    .filter((p) => Number.isInteger(p.line) && p.line >= 1 && p.line <= doc.lines)
    .map((p) => ({ from: doc.line(p.line).from, to: doc.line(p.line).to, severity: "error", message: p.message }));
  view.dispatch(setDiagnostics(view.state, marks));
  if (marks.length) view.dispatch({ selection: { anchor: marks[0].from }, scrollIntoView: true });
  return view;
}

document.querySelectorAll("textarea[data-yaml-editor]").forEach(mount);
