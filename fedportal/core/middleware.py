"""Answers for the moments a service the portal leans on is down."""

import logging

from django.shortcuts import render
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from fedportal.jobs.services import JobEnqueueError

logger = logging.getLogger(__name__)


class ServiceUnavailableMiddleware:
    """The task queue or the cache unreachable: a 503 page that says so, instead of a server error.

    Services that start jobs already fail fast and leave nothing pending (JobEnqueueError); this catches what a view
    did not handle itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, JobEnqueueError):
            message = str(exception)
        elif isinstance(exception, BrokerError | RedisConnectionError | RedisTimeoutError):
            logger.warning("service unavailable on %s: %s", request.path, exception)
            message = _("缓存或任务队列服务暂时无法连接，请稍后重试；如果持续出现，请联系系统管理员。")
        else:
            return None
        return render(request, "service_unavailable.html", {"message": message}, status=503)
