import sys

from airbyte_cdk.entrypoint import launch
from source_nested_config import SourceNestedConfig


def run():
    launch(SourceNestedConfig(), sys.argv[1:])
