import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import DatabaseError, transaction
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, FormView, ListView

from .forms import CommentForm
from .models import Post

logger = logging.getLogger(__name__)

posts = Post.objects.select_related("author").prefetch_related("tags")


def post_page_context(post, form=None):
    """What the post page shows: the post, its public comments, the comment form."""
    return {
        "post": post,
        "comments": post.comments.filter(is_public=True).select_related("author"),
        "form": form or CommentForm(),
    }


class PostListView(ListView):
    queryset = posts
    context_object_name = "posts"


class PostDetailView(DetailView):
    queryset = posts

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | post_page_context(self.object)


class CommentCreateView(LoginRequiredMixin, FormView):
    """Adds a comment to a post. POST only: the form lives on the post's page."""

    form_class = CommentForm
    # The post's page, where the form lives: the template PostDetailView finds
    # from the model, "<app_label>/post_detail.html".
    template_name = f"{Post._meta.app_label}/post_detail.html"
    http_method_names = ["post"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.post_object = get_object_or_404(posts, slug=kwargs["slug"])

    def form_valid(self, form):
        comment = form.save(commit=False)
        comment.post = self.post_object
        comment.author = self.request.user
        try:
            # One transaction for the comment and whatever its receivers store
            # with it (notify's queued task): all of it is saved, or none.
            with transaction.atomic():
                comment.save()  # blog's pre_save receiver decides if it is public.
        except DatabaseError:
            logger.exception("could not save a comment on %s", self.post_object)
            form.add_error(
                None,
                "Your comment could not be saved just now, and nothing was stored: "
                "please send it again.",
            )
            return self.render_to_response(
                post_page_context(self.post_object, form), status=503
            )
        if comment.is_public:
            messages.success(self.request, "Your comment is published.")
        else:
            messages.warning(
                self.request,
                "Your comment was saved but held back for review: it looks like spam.",
            )
        return redirect(self.post_object)

    def form_invalid(self, form):
        return self.render_to_response(
            post_page_context(self.post_object, form), status=400
        )
