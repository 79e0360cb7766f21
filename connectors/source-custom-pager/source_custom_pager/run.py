import sys

from airbyte_cdk.entrypoint import launch
from source_custom_pager import SourceCustomPager


def run():
    launch(SourceCustomPager(), sys.argv[1:])
