from django.urls import path

from zhibu.member_assessment import exports, views, views_mine

app_name = "member_assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views_mine.mine, name="mine"),
    path("mine/results/<int:pk>/objection/", views_mine.mine_objection, name="mine_objection"),
    path(
        "mine/reviews/<int:pk>/self-evaluation/", views_mine.mine_self_evaluation, name="mine_self_evaluation"
    ),
    path("branches/<int:pk>/<int:year>/", views.branch_year, name="branch_year"),
    path("branches/<int:pk>/<int:year>/ratings/<str:period>/", views.rating_sheet, name="rating_sheet"),
    path("branches/<int:pk>/<int:year>/ratings.xlsx", exports.ratings_export, name="ratings_export"),
    path("branches/<int:pk>/<int:year>/results/", views.results, name="results"),
    path("branches/<int:pk>/<int:year>/results.xlsx", exports.results_export, name="results_export"),
    path("branches/<int:pk>/<int:year>/results/refresh/", views.results_refresh, name="results_refresh"),
    path("branches/<int:pk>/<int:year>/results/publish/", views.results_publish, name="results_publish"),
    path("branches/<int:pk>/<int:year>/results/finalise/", views.results_finalise, name="results_finalise"),
    path("branches/<int:pk>/<int:year>/review/open/", views.review_open, name="review_open"),
    path("results/<int:pk>/recommend/", views.result_recommend, name="result_recommend"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/close/", views.review_close, name="review_close"),
    path("reviews/<int:pk>/summary/", views.review_summary, name="review_summary"),
    path("reviews/<int:pk>/export.xlsx", exports.review_export, name="review_export"),
]
