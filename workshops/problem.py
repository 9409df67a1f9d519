from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def problem_response(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """A refusal said in the page's problem banner (out of band): whatever is on screen,
    typed text included, stays as it is."""
    context = {"message": message, "oob": True}
    return TemplateResponse(
        request, "workshops/_request_problem.html", context, status=status
    ).render()
