#
# Copyright (c) 2024 Airbyte, Inc., all rights reserved.
#

from dataclasses import dataclass
from typing import Any, List, Mapping, Optional

import requests
from airbyte_cdk.sources.declarative.requesters.paginators.strategies.pagination_strategy import PaginationStrategy


@dataclass
class NextPageUrlPaginator(PaginationStrategy):
    """Follows `meta.next_page_url` until the API stops returning one."""

    page_size: int = 100

    def next_page_token(self, response: requests.Response, last_page_size: int, last_record: Optional[Mapping[str, Any]]) -> Optional[Any]:
        return response.json().get("meta", {}).get("next_page_url")

    def reset(self, reset_value: Optional[Any] = None) -> None:
        pass

    def get_page_size(self) -> Optional[int]:
        return self.page_size

    @property
    def initial_token(self) -> Optional[Any]:
        return None
