# 客服控制台：主管视图与学生留言（/console/supervisor、/console/tickets）。
console-nav-tickets = 留言
console-nav-supervisor = 今日客服

# 主管视图
console-supervisor-title = 今日客服
console-supervisor-link = 今日客服：客服人员、排队、转人工、留言与评价
console-supervisor-agents = 客服人员
console-supervisor-agents-online = { $count ->
    [0] 目前没有客服在线。
   *[other] 目前 { $count } 位客服在线。
}
console-supervisor-agent = 客服
console-supervisor-presence = 状态
console-supervisor-load = 正在接待的会话
console-supervisor-online = 在线
console-supervisor-offline = 离线（仍有接待中的会话）
console-supervisor-queue = 排队
console-supervisor-waiting = 正在排队
console-supervisor-longest-wait = 最长等待
console-supervisor-nobody-waits = 无人排队
console-supervisor-today = 今日
console-supervisor-today-since = 自 { $since } 起统计（客服所在时区的零点）。
console-supervisor-handoffs = 转人工
console-supervisor-taken = 已由客服接入
console-supervisor-cancelled = 接入前返回机器人
console-supervisor-tickets-opened = 新留言
console-supervisor-tickets-answered = 已回复留言
console-supervisor-ratings = 评价（今日结束的会话）
console-supervisor-average = 平均评分
console-supervisor-distribution = 今日评价分布
console-supervisor-stars = { $stars } 星
console-supervisor-comments = 最新评价留言
console-supervisor-no-comments = 还没有学生留下评价意见。
console-supervisor-to-tickets = 查看待回复留言

# 留言
console-tickets-title = 留言
console-tickets-ticket-title = 留言详情
console-tickets-empty = 没有待回复的留言。
console-tickets-count = 共 { $count } 条待回复留言，按时间先后排列。
console-tickets-left = 留言时间
console-tickets-reason = 转人工原因
console-tickets-channel = 渠道与语言
console-tickets-message = 留言内容
console-tickets-open = 打开留言
console-tickets-reason-asked = 学生要求人工客服
console-tickets-reason-dialog-step = 流程转人工
console-tickets-reason-failed-inputs = 流程中三次输入无效
console-tickets-reason-unanswered = 知识库未能回答
console-tickets-summary = 学生当时的情况
console-tickets-dialog = 流程 { $dialog }，步骤 { $step }
console-tickets-no-lines = 留言前没有对话。
console-tickets-answer-heading = 回复
console-tickets-answer-label = 给学生的回复
console-tickets-answer-hint = 学生会在自己的会话中看到回复，署名 { $name }。每条留言只能回复一次。
console-tickets-send = 发送回复
console-tickets-answered-heading = 已回复
console-tickets-answered-by = { $name } 于 { $time } 回复：
console-tickets-back = 返回留言列表
console-tickets-unknown = 没有这条留言。
console-tickets-empty-text = 回复为空，请返回填写。
console-tickets-too-long = 回复太长，请返回精简。
console-tickets-already = 这条留言已经回复过了。
console-tickets-sent-title = 回复已发送
console-tickets-sent = 回复已发送到学生的会话中。
