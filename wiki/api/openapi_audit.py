"""The OpenAPI description of the audit proofs (`audit.py`): checkpoints, the public key, leaves,
inclusion and consistency proofs."""

from .openapi import SIGNED_IN, integer, obj, operation, path, query, ref, string

TAG = "Granskning"
HEX = string(64, min_length=64, pattern="^[0-9a-f]{64}$")


def schemas() -> dict:
    return {
        "PublicKey": obj({"algorithm": {"type": "string", "const": "ed25519"},
                          "key": string(description="De 32 råa byten, base64."),
                          "vkey": string(description="Nyckeln som en C2SP/Go-note-verifierare skriver den.")},
                         required=["algorithm", "key", "vkey"]),
        "Leaf": obj({"position": {"type": "integer"}, "leaf_index": {"type": "integer"},
                     "leaf": string(description="Den lagrade raden som kanoniska byte, base64."),
                     "leaf_hash": HEX}, required=["position", "leaf_index", "leaf", "leaf_hash"]),
        "InclusionProof": obj({"leaf_index": {"type": "integer"}, "tree_size": {"type": "integer"},
                               "hashes": {"type": "array", "items": HEX}},
                              required=["leaf_index", "tree_size", "hashes"]),
        "ConsistencyProof": obj({"from": {"type": "integer"}, "to": {"type": "integer"},
                                 "hashes": {"type": "array", "items": HEX}}, required=["from", "to", "hashes"]),
    }


def paths() -> dict:
    return {
        "/audit/checkpoint": {
            "get": operation("auditCheckpoint", TAG, "Den senaste signerade kontrollpunkten",
                             description="Öppen för alla: en C2SP `tlog-checkpoint` (ursprung, trädets storlek och "
                                         "rothash) i en signerad note med Ed25519. En ny görs var N:e händelse "
                                         "eller varje timme; spara dem för att kunna visa att loggen inte skrivits om.",
                             ok=(200, "Kontrollpunkten.", {"type": "string"}, ("text/plain",))),
        },
        "/audit/public-key": {
            "get": operation("auditPublicKey", TAG, "Den publika nyckeln som signerar kontrollpunkterna",
                             ok=(200, "Nyckeln.", ref("PublicKey"))),
        },
        "/audit/events/{position}/leaf": {
            "get": operation("auditLeaf", TAG, "En lagrad händelse som trädet hashar den",
                             description="Granskare, samordnare och administratörer. `leaf_hash` = "
                                         "SHA-256(0x00 ‖ leaf).",
                             parameters=[path("position", integer(1), "Händelsens position i loggen.")],
                             security=SIGNED_IN, errors=("403", "404"), ok=(200, "Lövet.", ref("Leaf"))),
        },
        "/audit/proof/inclusion": {
            "get": operation("auditInclusionProof", TAG, "Bevis att en händelse finns i trädet",
                             description="RFC 9162 2.1.3: hasharna från lövet upp till roten av ett träd med "
                                         "`tree_size` löv (som i en sparad kontrollpunkt).",
                             parameters=[query("position", integer(1), "Händelsens position.", required=True),
                                         query("tree_size", integer(1), "Trädets storlek.", required=True)],
                             errors=("404",), ok=(200, "Beviset.", ref("InclusionProof"))),
        },
        "/audit/proof/consistency": {
            "get": operation("auditConsistencyProof", TAG, "Bevis att ett större träd bygger vidare på ett mindre",
                             description="RFC 9162 2.1.4: att trädet med `to` löv innehåller trädet med `from` löv "
                                         "oförändrat.",
                             parameters=[query("from", integer(1), "Den äldre storleken.", required=True),
                                         query("to", integer(1), "Den nyare storleken.", required=True)],
                             ok=(200, "Beviset.", ref("ConsistencyProof"))),
        },
    }
