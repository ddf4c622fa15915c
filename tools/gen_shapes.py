#!/usr/bin/env python3
"""Turns a botocore service model into the C++ tables that src/wire validates requests with.

Usage:
  gen_shapes.py --model service-2.json[.gz] [--overlay overlay.json]
                --function LambdaModel --output lambda_model.cc

Reads the model (and an optional overlay that corrects it from AWS-recorded responses), keeps
every operation, every shape reachable from an operation's input or output and every error shape, and writes one C++ source
that defines `const ServiceModel& <function>()` (declared in wire/service_model.h). The tables
are constexpr data; only the compiled regular expressions are filled in lazily at run time.

Decisions that shape the ValidationException text (each is documented in wire/shape_validator.h):
  * members are emitted in validation order: the input shape's order, except that URI-label
    members come last (AWS-recorded: GetFunction/DeleteFunction/Invoke report `qualifier` before
    `functionName`);
  * the member name AWS prints is the model member name with its first letter lowered;
  * bounds of double shapes are printed the way Java's Double.toString prints them ("1.0");
  * Java-only regex syntax is rewritten to an equivalent ECMAScript pattern for matching (see
    ECMASCRIPT_EQUIVALENTS); the message always quotes the model's own pattern.

Standard library only.
"""

import argparse
import gzip
import json
import re
import sys

TYPES = {
    "string": "kString",
    "integer": "kInteger",
    "long": "kLong",
    "boolean": "kBoolean",
    "double": "kDouble",
    "float": "kFloat",
    "list": "kList",
    "map": "kMap",
    "structure": "kStructure",
    "blob": "kBlob",
    "timestamp": "kTimestamp",
}

LOCATIONS = {
    "uri": "kUri",
    "querystring": "kQuery",
    "header": "kHeader",
}

# Java patterns that std::regex (ECMAScript) cannot run, with an ECMAScript pattern that accepts
# the same strings. The \p{...} classes are approximated for ASCII and accept any non-ASCII
# character, since std::regex sees bytes, not code points.
ECMASCRIPT_EQUIVALENTS = {
    # Lambda's S3Bucket: a possibly empty run that does not end in a dot (lookbehind). Older
    # models anchor it.
    r"[0-9A-Za-z\.\-_]*(?<!\.)": r"([0-9A-Za-z\.\-_]*[0-9A-Za-z\-_])?",
    r"^[0-9A-Za-z\.\-_]*(?<!\.)$": r"^([0-9A-Za-z\.\-_]*[0-9A-Za-z\-_])?$",
    # Service Quotas tag keys and values.
    r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$": r"^((?:[A-Za-z0-9 _.:/=+\-@]|[^\x00-\x7f])*)$",
}

# Java-only constructs std::regex would reject or read differently.
JAVA_ONLY = re.compile(r"\(\?<|\\p\{|\\P\{|\\[AZzGhHvVRX]|&&|\\Q|\(\?[imsxu-]|[*+?}]\+")

# Above this a double loses integers, and bounds are compared as doubles.
MAX_EXACT_BOUND = 2**53


def fail(message):
    sys.exit("gen_shapes.py: " + message)


def load_json(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def strip_notes(value):
    """Drops the "_source"/"_comment" keys an overlay uses to cite its evidence."""
    if isinstance(value, dict):
        return {k: strip_notes(v) for k, v in value.items() if not k.startswith("_")}
    return value


def deep_update(target, changes):
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_update(target[key], value)
        else:
            target[key] = value


def apply_overlay(model, overlay):
    for section in ("shapes", "operations"):
        for name, changes in strip_notes(overlay.get(section, {})).items():
            if name not in model[section]:
                fail(f"overlay names {section}.{name}, which the model does not have")
            deep_update(model[section][name], changes)


def lower_camel(name):
    return name[:1].lower() + name[1:]


def java_double(value):
    """Java's Double.toString for the values a model uses as bounds."""
    value = float(value)
    if value == int(value) and abs(value) < 1e7:
        return f"{value:.1f}"
    if 1e-3 <= abs(value) < 1e7:
        return repr(value)
    mantissa, exponent = f"{value:e}".split("e")
    mantissa = mantissa.rstrip("0")
    if mantissa.endswith("."):
        mantissa += "0"
    return f"{mantissa}E{int(exponent)}"


def cpp_string(text):
    out = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif 0x20 <= ord(ch) < 0x7F:
            out.append(ch)
        else:
            out.extend(f"\\x{b:02x}\"\"" for b in ch.encode("utf-8"))
    return '"' + "".join(out) + '"'


def cpp_raw_string(text):
    if ')re"' in text:
        fail(f"pattern {text!r} contains the raw-string delimiter")
    return 'R"re(' + text + ')re"'


class Tables:
    """The flat tables of one service, filled in shape by shape."""

    def __init__(self, model):
        self.model = model
        self.shape_index = {}  # model shape name -> index in shapes
        self.shapes = []  # C++ initializers, in index order
        self.members = []
        self.enum_values = []
        self.patterns = []  # (java, ecmascript)
        self.pattern_index = {}

    def shape(self, name):
        """Index of the shape called name, emitting it (and what it references) if new."""
        if name in self.shape_index:
            return self.shape_index[name]
        index = len(self.shapes)
        self.shape_index[name] = index
        self.shapes.append(None)  # reserved: recursive shapes refer to it before it is done
        self.shapes[index] = self.emit_shape(name, self.model["shapes"][name])
        return index

    def emit_shape(self, name, shape):
        kind = shape["type"]
        if kind not in TYPES:
            fail(f"shape {name} has type {kind}, which wire does not know")
        bounds = [self.bound(name, shape, key) for key in ("min", "max")]
        pattern = self.pattern(shape["pattern"]) if "pattern" in shape else -1
        enum_first, enum_count = len(self.enum_values), len(shape.get("enum", []))
        self.enum_values.extend(shape.get("enum", []))
        member_first, member_count = 0, 0
        element, key = -1, -1
        if kind == "structure":
            member_first, member_count = self.structure_members(name, shape)
        elif kind == "list":
            element = self.shape(shape["member"]["shape"])
        elif kind == "map":
            key = self.shape(shape["key"]["shape"])
            element = self.shape(shape["value"]["shape"])
        return (
            f"{{/*{name}*/ ShapeType::{TYPES[kind]}, {str(bool(shape.get('sensitive'))).lower()}, "
            f"{bounds[0]}, {bounds[1]}, {pattern}, {{{enum_first}, {enum_count}}}, "
            f"{{{member_first}, {member_count}}}, {element}, {key}}}"
        )

    def bound(self, name, shape, key):
        if key not in shape:
            return "{}"
        value = shape[key]
        if abs(value) > MAX_EXACT_BOUND:
            fail(f"shape {name} has {key} {value}, beyond what a double holds exactly")
        text = java_double(value) if shape["type"] in ("double", "float") else str(int(value))
        return f"{{true, {float(value)!r}, {cpp_string(text)}}}"

    def pattern(self, java):
        if java not in self.pattern_index:
            ecmascript = ECMASCRIPT_EQUIVALENTS.get(java, java)
            if JAVA_ONLY.search(ecmascript):
                fail(f"pattern {java!r} uses Java-only syntax; add it to ECMASCRIPT_EQUIVALENTS")
            self.pattern_index[java] = len(self.patterns)
            self.patterns.append((java, ecmascript))
        return self.pattern_index[java]

    def structure_members(self, name, shape):
        required = set(shape.get("required", []))
        payload = shape.get("payload")
        members = list(shape["members"].items())
        # Validation order: URI labels last (see the module docstring).
        members.sort(key=lambda item: item[1].get("location") == "uri")
        rows = []
        for member_name, member in members:
            location = member.get("location")
            if member_name == payload:
                cpp_location = "kPayload"
            elif location is None:
                cpp_location = "kBody"
            elif location in LOCATIONS:
                cpp_location = LOCATIONS[location]
            else:
                continue  # headers maps, status codes: nothing a client constrains
            # Only the REST protocols rename members on the wire; the JSON and query protocols
            # key by member name (a query request reaches the validator as a JSON tree).
            wire_name = member_name
            if self.model["metadata"]["protocol"].startswith("rest-"):
                wire_name = member.get("locationName", member_name)
            rows.append((lower_camel(member_name), wire_name, cpp_location,
                         member_name in required, member["shape"]))
        # Members are contiguous: reserve the block before nested shapes append theirs.
        first = len(self.members)
        self.members.extend([None] * len(rows))
        for offset, (path_name, wire_name, location, is_required, shape_name) in enumerate(rows):
            self.members[first + offset] = (
                f"{{{cpp_string(path_name)}, {cpp_string(wire_name)}, Location::{location}, "
                f"{str(is_required).lower()}, {self.shape(shape_name)}}}"
            )
        return first, len(rows)


def generate(model, function, source):
    tables = Tables(model)
    operations = []
    for name in sorted(model["operations"]):
        op = model["operations"][name]
        http = op.get("http", {})
        input_index = tables.shape(op["input"]["shape"]) if "input" in op else -1
        output_index = tables.shape(op["output"]["shape"]) if "output" in op else -1
        wrapper = op.get("output", {}).get("resultWrapper", "")
        operations.append(
            f"{{{cpp_string(name)}, {cpp_string(http.get('method', 'POST'))}, "
            f"{cpp_string(http.get('requestUri', '/'))}, {int(http.get('responseCode', 200))}, "
            f"{input_index}, {output_index}, {cpp_string(wrapper)}}}"
        )
    errors = []
    for name in sorted(model["shapes"]):
        shape = model["shapes"][name]
        if not shape.get("exception"):
            continue
        error = shape.get("error", {})
        errors.append(
            f"{{{cpp_string(name)}, {cpp_string(error.get('code', name))}, "
            f"{int(error.get('httpStatusCode', 400))}, {str(bool(error.get('senderFault'))).lower()}}}"
        )
    if max(len(tables.members), len(tables.enum_values)) > 0xFFFF:
        fail("too many members or enum values for the 16-bit IndexRange")
    metadata = model["metadata"]
    patterns = [f"Pattern({cpp_raw_string(java)}, {cpp_raw_string(ecmascript)})"
                for java, ecmascript in tables.patterns]

    def block(rows):
        return "".join(f"    {row},\n" for row in rows)

    return f"""\
// Generated by tools/gen_shapes.py from {source}. Do not edit.
#include "wire/service_model.h"

namespace hr::wire {{
namespace {{

constinit const Pattern kPatterns[] = {{
{block(patterns)}}};

constexpr std::string_view kEnumValues[] = {{
{block(cpp_string(v) for v in tables.enum_values)}}};

constexpr Member kMembers[] = {{
{block(tables.members)}}};

constexpr Shape kShapes[] = {{
{block(tables.shapes)}}};

constexpr Operation kOperations[] = {{
{block(operations)}}};

constexpr ErrorShape kErrors[] = {{
{block(errors)}}};

}}  // namespace

const ServiceModel& {function}() {{
  static constexpr ServiceModel kModel{{
      {cpp_string(metadata.get("endpointPrefix", ""))}, {cpp_string(metadata["protocol"])},
      {cpp_string(metadata.get("xmlNamespace", ""))}, {cpp_string(metadata.get("targetPrefix", ""))},
      kOperations, kShapes, kMembers, kEnumValues, kPatterns, kErrors}};
  return kModel;
}}

}}  // namespace hr::wire
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="botocore service-2.json or .json.gz")
    parser.add_argument("--overlay", help="JSON of AWS-recorded corrections to the model")
    parser.add_argument("--function", required=True, help="C++ accessor, e.g. LambdaModel")
    parser.add_argument("--output", required=True, help="C++ source to write")
    args = parser.parse_args()

    model = load_json(args.model)
    source = args.model
    if args.overlay:
        apply_overlay(model, load_json(args.overlay))
        source += " with " + args.overlay
    text = generate(model, args.function, source)
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
