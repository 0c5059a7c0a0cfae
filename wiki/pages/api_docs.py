"""/api-dokumentation: the OpenAPI document as a plain page, rendered on the server.

Everything comes from `wiki.api.openapi.document()`, so the page and /api/v1/openapi.json
never disagree. No script, no inline style and nothing from another host. The document's
texts are Swedish, like the API; the page shows them in the reader's language, their msgids
extracted from the document itself (`extract_openapi_texts`, named in babel.cfg).
"""

from flask import render_template
from flask_babel import gettext

from events.messages import N_

from ..api.openapi import API_PREFIX, ERROR_RESPONSES, _document, document, operations
from . import bp

STATUS_TEXT = {
    "200": "OK", "201": N_("Skapad"), "204": N_("Inget innehåll"), "400": N_("Felaktig begäran"),
    "401": N_("Inte inloggad"), "403": N_("Inte tillåtet"), "404": N_("Finns inte"), "409": N_("Konflikt"),
    "413": N_("För stor"), "429": N_("För många försök"), "503": N_("Inte tillgänglig"),
}
PARAMETER_PLACES = {"path": N_("sökväg"), "query": N_("fråga")}
DOCUMENT_TEXT_KEYS = ("summary", "description", "title")


def openapi_texts(doc: dict) -> list[str]:
    """Every text of the document a reader meets: titles, summaries, descriptions, tag names."""
    texts: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in DOCUMENT_TEXT_KEYS and isinstance(value, str):
                    texts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)
    texts += [tag["name"] for tag in doc.get("tags", [])]
    return [text for text in dict.fromkeys(texts) if text]


def extract_openapi_texts(fileobj, keywords, comment_tags, options):
    """A Babel extraction method for wiki/api/openapi.py (babel.cfg): the texts of the document
    it builds, computed ones included, so this page can translate them while openapi.json stays
    Swedish."""
    for text in openapi_texts(_document()):
        yield 1, "gettext", text, []


def doc_text(text: str) -> str:
    """A text of the OpenAPI document in the reader's language."""
    return gettext(text) if text else text


class Resolver:
    def __init__(self, doc: dict):
        self.doc = doc

    def resolve(self, node: dict) -> dict:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            target = self.doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node, seen = target, seen + 1
        return node

    def ref_name(self, node: dict) -> str | None:
        if isinstance(node, dict) and "$ref" in node:
            return node["$ref"].rsplit("/", 1)[-1]
        return None

    def describe(self, schema: dict, depth: int = 0) -> str:
        """A short description of a schema in the reader's language: type, limits, allowed values."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or not schema:
            return gettext("valfritt värde")
        for combinator in ("anyOf", "oneOf"):
            if combinator in schema:
                options = [self.resolve(s) for s in schema[combinator]]
                nulls = [s for s in options if s.get("type") == "null"]
                others = [s for s in options if s.get("type") != "null"]
                described = [self.describe(s, depth + 1) for s in others] + (["null"] if nulls else [])
                text = described[0] if described else "null"
                for more in described[1:]:
                    text = gettext("%(first)s eller %(second)s", first=text, second=more)
                return text
        if "const" in schema:
            return gettext("exakt ”%(value)s”", value=schema["const"])
        if "enum" in schema:
            values = ["null" if v is None else (gettext("”” (tomt)") if v == "" else str(v)) for v in schema["enum"]]
            return gettext("ett av: %(values)s", values=", ".join(values))
        kind = schema.get("type")
        if kind == "string":
            parts = [gettext("datum ÅÅÅÅ-MM-DD") if schema.get("format") == "date" else
                     gettext("tid (ISO 8601, UTC)") if schema.get("format") == "date-time" else
                     "uuid" if schema.get("format") == "uuid" else gettext("text")]
            low, high = schema.get("minLength"), schema.get("maxLength")
            if schema.get("format") not in ("date", "uuid"):
                if low and high:
                    parts.append(gettext("%(low)s–%(high)s tecken", low=low, high=high))
                elif high:
                    parts.append(gettext("högst %(high)s tecken", high=high))
                elif low:
                    parts.append(gettext("minst %(low)s tecken", low=low))
            if schema.get("pattern") and schema.get("format") is None and "[a-z0-9]+" in schema["pattern"]:
                parts.append(gettext("a–z, 0–9 och bindestreck"))
            return ", ".join(parts)
        if kind == "integer":
            low, high = schema.get("minimum"), schema.get("maximum")
            if low is not None and high is not None:
                return gettext("heltal %(low)s–%(high)s", low=low, high=high)
            if low is not None:
                return gettext("heltal från %(low)s", low=low)
            return gettext("heltal")
        if kind == "number":
            return gettext("tal")
        if kind == "boolean":
            return gettext("sant/falskt")
        if kind == "array":
            items = self.describe(schema.get("items", {}), depth + 1)
            limit = schema.get("maxItems")
            low = schema.get("minItems")
            if low and limit:
                return gettext("lista (%(low)s–%(high)s värden) av %(items)s", low=low, high=limit, items=items)
            if limit:
                return gettext("lista (högst %(high)s värden) av %(items)s", high=limit, items=items)
            return gettext("lista av %(items)s", items=items)
        if kind == "object" or "properties" in schema:
            properties = schema.get("properties")
            if properties and depth < 1:
                return gettext("objekt med %(fields)s", fields=", ".join(properties))
            return gettext("objekt")
        if "allOf" in schema:
            return gettext("objekt")
        return gettext("valfritt värde")

    def fields(self, schema: dict, prefix: str = "", depth: int = 0) -> list[dict]:
        """The fields of a request body, nested objects flattened as `a.b` (and `a[].b` in lists)."""
        schema = self.resolve(schema)
        rows: list[dict] = []
        if not isinstance(schema, dict):
            return rows
        if "allOf" in schema:
            for part in schema["allOf"]:
                rows += self.fields(part, prefix, depth)
            return _unique(rows)
        variants = schema.get("anyOf") or schema.get("oneOf")
        if variants and "properties" not in schema:
            for variant in variants:
                rows += self.fields(variant, prefix, depth)
            return _unique(rows)
        required = set(schema.get("required", ()))
        for name, sub in (schema.get("properties") or {}).items():
            full = f"{prefix}{name}"
            resolved = self.resolve(sub)
            rows.append({"name": full, "required": name in required, "description": self.describe(sub),
                         "text": doc_text(resolved.get("description", "")) if isinstance(resolved, dict) else ""})
            if depth < 3:
                inner = _object_within(self, resolved)
                if inner is not None:
                    rows += self.fields(inner, f"{full}.", depth + 1)
                items = _items_within(self, resolved)
                if items is not None:
                    rows += self.fields(items, f"{full}[].", depth + 1)
        return _unique(rows)


def _object_within(resolver: Resolver, schema: dict) -> dict | None:
    for option in [schema, *[resolver.resolve(s) for s in schema.get("anyOf", [])]]:
        if option.get("type") == "object" and option.get("properties"):
            return option
    return None


def _items_within(resolver: Resolver, schema: dict) -> dict | None:
    for option in [schema, *[resolver.resolve(s) for s in schema.get("anyOf", [])]]:
        if option.get("type") == "array":
            items = resolver.resolve(option.get("items", {}))
            if items.get("properties") or items.get("oneOf") or items.get("anyOf"):
                return items
    return None


def _unique(rows: list[dict]) -> list[dict]:
    seen, result = set(), []
    for row in rows:
        if row["name"] not in seen:
            seen.add(row["name"])
            result.append(row)
    return result


def code_spans(text: str) -> list[tuple[bool, str]]:
    """Text split at Markdown backticks: (is_code, part) pairs, for `<code>` in the template."""
    return [(index % 2 == 1, part) for index, part in enumerate((text or "").split("`")) if part]


def api_reference(doc: dict) -> list[dict]:
    """Operations grouped by tag, ready for the template."""
    resolver = Resolver(doc)
    groups: dict[str, list] = {tag["name"]: [] for tag in doc.get("tags", [])}
    for route, method, op in operations(doc):
        parameters = [{"name": p["name"],
                       "in": gettext(PARAMETER_PLACES[p["in"]]) if p["in"] in PARAMETER_PLACES else p["in"],
                       "required": p.get("required", False), "type": resolver.describe(p.get("schema", {})),
                       "description": doc_text(p.get("description", ""))} for p in op.get("parameters", [])]
        body = None
        if "requestBody" in op:
            content = op["requestBody"]["content"]
            media, spec = next(iter(content.items()))
            schema = resolver.resolve(spec["schema"])
            body = {"media": media, "required": op["requestBody"].get("required", False),
                    "fields": resolver.fields(schema), "description": doc_text(schema.get("description", "")),
                    "closed": schema.get("additionalProperties") is False}
        responses = []
        for status, response in op["responses"].items():
            response = resolver.resolve(response)
            media = list((response.get("content") or {}).keys())
            schema_name = None
            for spec in (response.get("content") or {}).values():
                schema_name = resolver.ref_name(spec.get("schema", {}))
                break
            responses.append({"status": status, "label": gettext(STATUS_TEXT[status]) if status in STATUS_TEXT else "",
                              "description": doc_text(response.get("description", "")), "media": media,
                              "schema": schema_name})
        security = op.get("security", doc.get("security", []))
        signed_in_only = bool(security) and all(requirement for requirement in security)
        groups.setdefault(op["tags"][0], []).append({
            "id": op["operationId"], "method": method, "path": route, "full_path": API_PREFIX + route,
            "summary": doc_text(op.get("summary", "")), "description": doc_text(op.get("description", "")),
            "parameters": parameters, "body": body, "responses": responses,
            "access": gettext("Inloggade (Bearer-token)") if signed_in_only else
                      (gettext("Ingen inloggning") if security == [{}] else gettext("Alla; inloggade kan se mer")),
        })
    return [{"tag": doc_text(tag), "operations": ops} for tag, ops in groups.items() if ops]


def schema_reference(doc: dict) -> list[dict]:
    resolver = Resolver(doc)
    return [{"name": name, "fields": resolver.fields(schema), "description": resolver.describe(schema)}
            for name, schema in doc["components"]["schemas"].items()]


@bp.get("/api-dokumentation")
def api_docs():
    doc = document()
    shown = {**doc, "info": {**doc["info"], "title": doc_text(doc["info"]["title"]),
                             "description": doc_text(doc["info"]["description"])}}
    return render_template("api_docs.html", doc=shown, groups=api_reference(doc), schemas=schema_reference(doc),
                           api_prefix=API_PREFIX, code_spans=code_spans,
                           errors=[(code, doc_text(text)) for code, (_, text) in ERROR_RESPONSES.items()])
