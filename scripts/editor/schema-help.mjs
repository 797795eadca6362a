// Completion and hover help for a pack file from its JSON Schema (criteria/json_schema.py): the keys
// a mapping may hold, the values a key takes, and what each means, in Chinese.
// Where the cursor is in the YAML is read from indentation: block mappings and lists, and a flow
// mapping ({code: a, label: b}) on one line.
import { hoverTooltip } from "@codemirror/view";

const KEY_LINE = /^(\s*)(-\s+)?(?:([A-Za-z_][\w]*)\s*:(?=\s|$))?/;
const TYPE_LABELS = {
  string: "文本", integer: "整数", number: "数字", boolean: "true 或 false", array: "列表", object: "一组键值",
};

function resolve(schema, node) {
  let found = node;
  while (found && found.$ref) found = schema.$defs[found.$ref.replace("#/$defs/", "")];
  return found || null;
}

function properties(schema, node) {
  const found = resolve(schema, node);
  if (!found) return {};
  const own = { ...(found.properties || {}) };
  for (const variant of found.oneOf || []) {
    for (const [key, value] of Object.entries(properties(schema, variant))) {
      if (!(key in own)) own[key] = value;
      else if (value.const !== undefined) own[key] = oneOfConsts(own[key], value); // scoring.method
    }
  }
  return own;
}

function oneOfConsts(known, more) {
  const values = known.enum || [known.const];
  const text = [known.description, more.description].filter(Boolean).join("；");
  return { ...known, const: undefined, enum: [...values, more.const], description: text };
}

function parts(text) {
  const m = KEY_LINE.exec(text);
  const indent = m[1].length;
  return { indent, dash: Boolean(m[2]), keyCol: indent + (m[2] || "").length, key: m[3] || null };
}

// The path (keys, and 0 for "an entry of the list") of the mapping whose keys sit at column `col`
// of line `lineNo`; `dash` says that line itself starts a list entry.
function mappingPath(doc, lineNo, col, dash) {
  const path = [];
  let target = col;
  let listOwner = false;
  if (dash) {
    path.unshift(0);
    target = col - 2;
    listOwner = true;
  }
  for (let n = lineNo - 1; n >= 1 && (target > 0 || listOwner); n--) {
    const text = doc.line(n).text;
    const trimmed = text.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const line = parts(text);
    if (line.dash && line.keyCol === target && !listOwner) {
      path.unshift(0);
      target = line.indent;
      listOwner = true;
    } else if (line.key && (line.keyCol < target || (listOwner && line.keyCol === target && !line.dash))) {
      path.unshift(line.key);
      target = line.keyCol;
      listOwner = false;
      if (line.dash) {
        path.unshift(0);
        target = line.indent;
        listOwner = true;
      }
    } else if (line.indent < target && !line.key) {
      return null; // a shape this reader does not follow
    }
  }
  return path;
}

function nodeAt(schema, path) {
  let node = schema;
  for (const step of path) {
    const found = resolve(schema, node);
    if (!found) return null;
    node = step === 0 ? found.items : properties(schema, found)[step];
  }
  return resolve(schema, node);
}

// The mapping a key at `pos` belongs to, and the key: {node, key, from, to} or null.
function keyAt(schema, doc, pos) {
  const line = doc.lineAt(pos);
  const text = line.text;
  const offset = pos - line.from;
  const words = /[A-Za-z_][\w]*(?=\s*:(\s|$|[,}]))/g;
  let m;
  while ((m = words.exec(text))) {
    if (offset < m.index || offset > m.index + m[0].length) continue;
    const lead = parts(text);
    const base = nodeAt(schema, mappingPath(doc, line.number, lead.keyCol, lead.dash) || []);
    if (m.index === lead.keyCol) return { node: base, key: m[0], from: line.from + m.index, to: line.from + m.index + m[0].length };
    const brace = text.lastIndexOf("{", m.index);
    if (brace < 0) return null;
    const owner = lead.key && brace > lead.keyCol ? properties(schema, base)[lead.key] : base;
    return { node: resolve(schema, owner), key: m[0], from: line.from + m.index, to: line.from + m.index + m[0].length };
  }
  return null;
}

function describe(key, node) {
  const dom = document.createElement("div");
  dom.className = "schema-help";
  const title = document.createElement("strong");
  title.textContent = key;
  dom.appendChild(title);
  const lines = [node.description || ""];
  const type = node.enum ? "可选值：" + node.enum.join("、") : TYPE_LABELS[node.type] || "";
  if (type) lines.push(node.enum ? type : "类型：" + type);
  if (node.default !== undefined && node.default !== null && typeof node.default !== "object") lines.push("默认：" + node.default);
  for (const text of lines.filter(Boolean)) {
    const p = document.createElement("div");
    p.textContent = text;
    dom.appendChild(p);
  }
  return dom;
}

export function schemaHover(schema) {
  return hoverTooltip((view, pos) => {
    const found = keyAt(schema, view.state.doc, pos);
    if (!found || !found.node) return null;
    const node = properties(schema, found.node)[found.key];
    if (!node) return null;
    return { pos: found.from, end: found.to, above: true, create: () => ({ dom: describe(found.key, { ...(resolve(schema, node) || {}), ...node }) }) };
  });
}

function option(key, node, schema, apply) {
  const full = { ...(resolve(schema, node) || {}), ...node };
  const type = full.enum ? "可选值" : TYPE_LABELS[full.type] || "";
  return { label: key, type: "property", detail: type, info: () => describe(key, full), apply };
}

// What a value means, as the key's description says it ("scope: all 全部数据；district 本区（市）").
function valueLabel(node, value) {
  if (value === true) return "是";
  if (value === false) return "否";
  const found = new RegExp("(?:^|[：；])\\s*" + value + " ([^；]+)").exec(node.description || "");
  return found ? found[1] : "";
}

export function schemaCompletion(schema) {
  return (context) => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    const keyTyped = /^(\s*)(-\s+)?([A-Za-z_][\w]*)?$/.exec(before);
    if (keyTyped) {
      const col = keyTyped[1].length + (keyTyped[2] || "").length;
      const path = mappingPath(context.state.doc, line.number, col, Boolean(keyTyped[2]));
      if (!path) return null;
      const node = nodeAt(schema, path);
      const keys = Object.entries(properties(schema, node));
      if (!keys.length || (!keyTyped[3] && !context.explicit)) return null;
      return {
        from: context.pos - (keyTyped[3] || "").length,
        options: keys.map(([key, value]) => option(key, value, schema, key + ": ")),
        validFor: /^[\w]*$/,
      };
    }
    const valueTyped = /^(\s*)(-\s+)?([A-Za-z_][\w]*)\s*:\s+([\w]*)$/.exec(before);
    if (!valueTyped) return null;
    const col = valueTyped[1].length + (valueTyped[2] || "").length;
    const path = mappingPath(context.state.doc, line.number, col, Boolean(valueTyped[2]));
    const holder = path && nodeAt(schema, path);
    const property = holder && properties(schema, holder)[valueTyped[3]];
    const node = property && { ...(resolve(schema, property) || {}), ...property };
    const values = node && (node.enum || (node.type === "boolean" ? [true, false] : null));
    if (!values) return null;
    return {
      from: context.pos - valueTyped[4].length,
      options: values.map((value) => ({ label: String(value), type: "enum", detail: valueLabel(node, value) })),
      validFor: /^[\w]*$/,
    };
  };
}
