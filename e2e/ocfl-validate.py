"""Validates a Chancery preservation copy with the OCFL Python validator (PyPI ocfl-py).

ocfl-py 2.1's `ocfl-validate.py ROOT` exits 0 when the storage root is well formed even if an
object in it is not (it counts only errors met while walking the root), so this asks its
StorageRoot for the objects it validated and fails unless every one is valid; it also asks the
root's own layout handler (extension 0003) where each object must be and checks it is there.

    python e2e/ocfl-validate.py DATA/ocfl [EXPECTED_OBJECTS]
"""
import json
import os
import sys

import ocfl


def main():
    root_dir = sys.argv[1]
    expected = int(sys.argv[2]) if len(sys.argv) > 2 else None
    root = ocfl.StorageRoot(root=root_dir)
    if not root.validate(log_warnings=True, log_errors=True):
        sys.exit(f"FAIL: {root_dir} is not a valid OCFL storage root")
    for path, messages in root.errors:
        print(messages)
    if root.good_objects != root.num_objects:
        sys.exit(f"FAIL: {root.num_objects - root.good_objects} of {root.num_objects} objects are invalid")
    if any("[E" in messages for _, messages in root.errors):
        sys.exit("FAIL: errors reported")
    if any("[W" in messages for _, messages in root.errors):
        sys.exit("FAIL: warnings reported")
    misplaced = 0
    for path in root.object_paths():
        with open(os.path.join(root_dir, path, "inventory.json"), encoding="utf-8") as f:
            identifier = json.load(f)["id"]
        if root.object_path(identifier) != path:
            misplaced += 1
            print(f"{identifier} is at {path}; the layout puts it at {root.object_path(identifier)}")
    if misplaced:
        sys.exit(f"FAIL: {misplaced} objects are not where the storage layout puts them")
    if expected is not None and root.num_objects != expected:
        sys.exit(f"FAIL: {root.num_objects} objects, expected {expected}")
    print(f"OCFL storage root {root_dir}: {root.num_objects} objects, all valid (ocfl-py {ocfl.__version__})")


main()
