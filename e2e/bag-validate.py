"""Validates BagIt bags with the Library of Congress `bagit` (PyPI): every manifest, the
Payload-Oxum and the tag manifests; exits 1 on the first invalid bag.

    python e2e/bag-validate.py BAG...
"""
import sys

import bagit

for path in sys.argv[1:]:
    bag = bagit.Bag(path)
    try:
        bag.validate()
    except bagit.BagValidationError as error:
        sys.exit(f"FAIL: {path} is not a valid bag: {error}")
    oxum = bag.info["Payload-Oxum"]
    print(f"{path}: a valid BagIt {bag.version} bag (LoC bagit {bagit.VERSION}), "
          f"{len(list(bag.payload_files()))} payload files, Payload-Oxum {oxum}")
