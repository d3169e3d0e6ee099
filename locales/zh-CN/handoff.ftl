# Human handoff: the queue, working hours, tickets and ratings, as the student reads them.

handoff-queued = 已为您转接人工客服。您现在排在第 { $position } 位，预计等待约 { $minutes } 分钟。
    等待期间您可以继续输入，客服接入后会看到；想回到机器人助手，请点“取消等待”。
handoff-position = 排队进度：您现在排在第 { $position } 位，预计等待约 { $minutes } 分钟。
handoff-noted = 已记下，客服接入后会看到这条消息。您现在排在第 { $position } 位，预计等待约 { $minutes } 分钟。
handoff-cancel-button = 取消等待
handoff-cancelled = 好的，已离开人工客服，回到机器人助手。有问题可以继续问我。
handoff-nothing-to-cancel = 现在没有在等待人工客服。有问题可以直接问我。
handoff-photo-not-passed = 图片不能转给人工客服，请用文字描述您的问题。
handoff-taken = 客服 { $name } 已接入，正在为您服务。
handoff-transferred = 已为您转给客服 { $name }。
handoff-returned = 客服已将对话交回机器人助手。有问题可以继续问我。
handoff-closed = 客服已结束本次服务。请为这次服务打分（1–5 分，5 分最满意）：
handoff-rate-button = { $stars } 分
handoff-rated = 谢谢您的评价！如果愿意，可以再写几句意见直接发送；不写也没关系。
handoff-no-comment-button = 不写了
handoff-comment-thanks = 谢谢，您的意见已记录。有问题可以继续问我。
handoff-rating-done = 好的，谢谢！有问题可以继续问我。
handoff-out-of-hours = 现在不是人工客服的工作时间（{ $days } { $opens }–{ $closes }，{ $zone }）。您可以通过以下方式联系：
    客服电话 { $hotline }
    客服邮箱 { $email }
    也可以在这里留言，客服上班后会在这个对话里回复您。
handoff-nobody-online = 抱歉，现在没有人工客服在线。您可以通过以下方式联系：
    客服电话 { $hotline }
    客服邮箱 { $email }
    也可以在这里留言，客服会在这个对话里回复您。
handoff-leave-message-button = 留言给客服
handoff-back = 好的。有问题可以继续问我。
handoff-back-button = 继续问机器人
handoff-write-message = 请输入您的留言（一条消息），我们会转给人工客服。不想留言了，请点“继续问机器人”。
handoff-ticket-created = 留言已收到。客服回复后，答复会显示在这个对话里。
handoff-ticket-answered = 客服回复了您的留言“{ $message }”：
handoff-offer-unanswered = 抱歉，我还是没能回答您的问题。需要转人工客服吗？
handoff-ask-button = 转人工客服
handoff-days-joiner = 、
handoff-day-mon = 周一
handoff-day-tue = 周二
handoff-day-wed = 周三
handoff-day-thu = 周四
handoff-day-fri = 周五
handoff-day-sat = 周六
handoff-day-sun = 周日
